import { describe, expect, it } from 'vitest';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';

function capture(): CapturedIo {
  return captureIo({ columns: 100 });
}

const MNIST = [
  '--sample-rate',
  String(256 / 60000),
  '--noise-multiplier',
  '1.1',
  '--steps',
  '14063',
  '--delta',
  '1e-5',
];

describe('aequa privacy', () => {
  it('epsilon --format json prints { epsilon, accountant, order } for the classic MNIST setting', async () => {
    const c = capture();
    expect(await runCli(['privacy', 'epsilon', ...MNIST, '--format', 'json'], c)).toBe(0);
    const j = JSON.parse(c.out());
    expect(j.accountant).toBe('rdp');
    expect(j.order).toBe(8.1);
    // 2.5966 (see src/privacy/accounting/rdp.test.ts for the independent check)
    expect(j.epsilon).toBeGreaterThan(2.5966);
    expect(j.epsilon).toBeLessThan(2.5967);
    expect(j.steps).toBe(14063);
  });

  it('epsilon --accountant prv gives a tighter upper bound than RDP on the MNIST setting', async () => {
    const c = capture();
    const args = [
      'privacy',
      'epsilon',
      ...MNIST,
      '--accountant',
      'prv',
      '--grid-step',
      '1e-4',
      '--format',
      'json',
    ];
    expect(await runCli(args, c)).toBe(0);
    const j = JSON.parse(c.out());
    expect(j.accountant).toBe('prv');
    expect(j.gridStep).toBe(1e-4);
    // measured 2.4548 at h = 1e-4 (pld.test.ts checks the grid convergence); RDP gives 2.5966
    expect(j.epsilon).toBeGreaterThan(2.3);
    expect(j.epsilon).toBeLessThan(2.5966);
  });

  it('epsilon accepts --epochs as ⌈epochs/q⌉ steps and prints a readable line', async () => {
    const c = capture();
    const argv = [
      'privacy',
      'epsilon',
      '--sample-rate',
      '0.01',
      '--noise-multiplier',
      '1',
      '--epochs',
      '10',
      '--delta',
      '1e-5',
    ];
    expect(await runCli(argv, c)).toBe(0);
    expect(c.out()).toMatch(
      /^ε = 2\.10137 at δ = 0\.00001 \(RDP accountant, best order α = [\d.]+ of \d+\)\n {2}1000 steps/,
    );
  });

  it('noise solves for σ and reports the ε it spends', async () => {
    const c = capture();
    const argv = [
      'privacy',
      'noise',
      '--epsilon',
      '2.6',
      '--delta',
      '1e-5',
      '--sample-rate',
      String(256 / 60000),
      '--steps',
      '14063',
      '--format',
      'json',
    ];
    expect(await runCli(argv, c)).toBe(0);
    const j = JSON.parse(c.out());
    expect(j.epsilon).toBeLessThanOrEqual(2.6);
    expect(Math.abs(j.noiseMultiplier - 1.1)).toBeLessThan(0.01); // ε(1.1) = 2.5966 ≈ 2.6
  });

  it.each([
    [
      ['noise', '--epsilon', '0', '--delta', '1e-5', '--sample-rate', '0.01', '--steps', '10'],
      /--epsilon must be > 0/,
    ],
    [['epsilon', ...MNIST.slice(0, 6), '--delta', '1'], /--delta must be in \(0, 1\)/],
    [['epsilon', ...MNIST.slice(0, 6), '--delta', '0'], /--delta must be in \(0, 1\)/],
    [
      ['epsilon', '--sample-rate', '1.5', '--noise-multiplier', '1', '--steps', '5', '--delta', '1e-5'],
      /sampling rate in \(0, 1\]/,
    ],
    [
      ['epsilon', '--sample-rate', '0', '--noise-multiplier', '1', '--steps', '5', '--delta', '1e-5'],
      /sampling rate in \(0, 1\]/,
    ],
    [['epsilon', ...MNIST, '--accountant', 'pld'], /--accountant must be rdp or prv/],
    [
      [
        'noise',
        '--epsilon',
        '3',
        ...MNIST.slice(0, 2),
        '--steps',
        '10',
        '--delta',
        '1e-5',
        '--accountant',
        'prv',
      ],
      /RDP accountant only/,
    ],
    [['epsilon', ...MNIST, '--accountant', 'prv', '--grid-step', '1'], /--grid-step must be in/],
    [['epsilon', '--noise-multiplier', '1', '--steps', '5', '--delta', '1e-5'], /--sample-rate is required/],
    [['frobnicate'], /Unknown subcommand "frobnicate"/],
  ])('refuses bad input %j with exit 2 and a clear message', async (args, msg) => {
    const c = capture();
    expect(await runCli(['privacy', ...args], c)).toBe(2);
    expect(c.err()).toMatch(msg);
  });
});
