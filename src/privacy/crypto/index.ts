/**
 * aequa/privacy/crypto (Node-only): encryption at rest with AES-256-GCM, scrypt and envelope keys.
 */
export {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_SCRYPT,
  decryptBytes,
  type EncryptOptions,
  encryptBytes,
  FORMAT_VERSION,
  HEADER_LEN,
  type HeaderInfo,
  type KeySource,
  parseHeader,
  rewrapHeader,
  type ScryptParams,
  TAG_LEN,
} from './envelope.js';
export { type CryptoFileResult, decryptFile, encryptFile, rotateFileKey } from './file.js';
export { readKeySource } from './key-source.js';
