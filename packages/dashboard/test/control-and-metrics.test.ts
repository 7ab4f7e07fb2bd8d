import { DashboardErrorCode, formatPrometheus, parseControlRequest } from '@brightchain/dashboard';

describe('parseControlRequest', () => {
  it.each([
    [{ action: 'pause' }, { action: 'pause' }],
    [{ action: 'resume' }, { action: 'resume' }],
    [
      { action: 'speed', speed: 0.5 },
      { action: 'speed', speed: 0.5 },
    ],
    [
      { action: 'speed', speed: 1_000_000 },
      { action: 'speed', speed: 1_000_000 },
    ],
    [
      { action: 'crash', node: 0 },
      { action: 'crash', node: 0 },
    ],
    [
      { action: 'restart', node: 999 },
      { action: 'restart', node: 999 },
    ],
    [
      { action: 'shutdown', node: 7 },
      { action: 'shutdown', node: 7 },
    ],
  ])('accepts %j', (body, expected) => {
    expect(parseControlRequest(body)).toEqual(expected);
  });

  it.each([
    [null],
    ['pause'],
    [42],
    [[{ action: 'pause' }]],
    [{}],
    [{ action: 'PAUSE' }],
    [{ action: 'crash', node: -1 }],
    [{ action: 'crash', node: 2 ** 53 }],
    [{ action: 'crash', node: null }],
    [{ action: 'crash', node: 1, speed: 2 }],
    [{ action: 'speed' }],
    [{ action: 'speed', speed: '2' }],
    [{ action: 'speed', speed: -3 }],
    [{ action: 'speed', speed: 1_000_001 }],
    [{ action: 'resume', node: 1 }],
  ])('rejects %j with BC_DASHBOARD_CONTROL_INVALID', (body) => {
    expect(() => parseControlRequest(body)).toThrow(
      expect.objectContaining({ code: DashboardErrorCode.CONTROL_INVALID }),
    );
  });
});

describe('formatPrometheus', () => {
  it.each([
    [[], ''],
    [
      [{ name: 'a_total', help: 'As.', type: 'counter', samples: [{ value: 3 }] }],
      '# HELP a_total As.\n# TYPE a_total counter\na_total 3\n',
    ],
    [
      [
        {
          name: 'b',
          help: 'line\\one\ntwo',
          type: 'gauge',
          samples: [
            { labels: { state: 'up' }, value: 1.5 },
            { labels: { state: 'a"b\\c\nd', zone: 'x' }, value: Number.POSITIVE_INFINITY },
            { value: Number.NaN },
            { value: Number.NEGATIVE_INFINITY },
          ],
        },
      ],
      '# HELP b line\\\\one\\ntwo\n# TYPE b gauge\nb{state="up"} 1.5\nb{state="a\\"b\\\\c\\nd",zone="x"} +Inf\nb NaN\nb -Inf\n',
    ],
  ] as const)('formats %j', (families, text) => {
    expect(formatPrometheus(families)).toBe(text);
  });
});
