import { runCli } from './dist/cli/run.js';
const argv = JSON.parse(process.argv[2]);
let out='', err='';
const code = await runCli(argv, {stdout:t=>{out+=t}, stderr:t=>{err+=t}, isTTY:false, columns:100, env:{}});
console.log('CODE', code); console.log('STDOUT', out.slice(0, +(process.argv[3]??600))); console.log('STDERR', err);
