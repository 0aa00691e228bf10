// Preloaded with `--import` into a child process to move its wall clock by
// HOURGLASS_TEST_CLOCK_OFFSET_MS (a host whose clock is off); timers and performance.now() keep
// running at the real rate, as they do on such a host.
const offset = Number(process.env.HOURGLASS_TEST_CLOCK_OFFSET_MS ?? 0);
if (offset) {
  const RealDate = Date;
  class OffsetDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = OffsetDate;
}
