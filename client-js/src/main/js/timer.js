// timer.js: one re-armable timer, like the Timer of Phoenix's socket.js and the Java client's
// scheduling/Timer: scheduling replaces what was pending, and it counts how often it fired since the
// last reset(). A callback that was cancelled or replaced never runs, even if the platform's timer
// still fires it (a fake or throttled clock may): the check happens when it would run.

export class Timer {
  /**
   * @param {{setTimeout: Function, clearTimeout: Function}} timers
   * @param {() => number} [now] the clock, for fireIfDue()
   */
  constructor(timers, now = () => Date.now()) {
    this.timers = timers;
    this.now = now;
    this.handle = null;
    this.armed = null;
    this.task = null;
    this.dueAt = 0;
    this.tries = 0;
  }

  /** Runs task after delayMs unless cancelled or replaced first. */
  schedule(delayMs, task) {
    this.cancel();
    const token = {};
    this.armed = token;
    this.task = task;
    this.dueAt = this.now() + Math.max(0, delayMs);
    this.handle = this.timers.setTimeout(() => {
      if (this.armed === token) this.#fire();
    }, Math.max(0, delayMs));
  }

  /**
   * Runs the pending task now if its time has come but the platform has not run it yet: a hidden
   * page's timers are throttled, so a wait can be over long before its callback comes.
   */
  fireIfDue() {
    if (this.armed === null || this.now() < this.dueAt) return false;
    this.timers.clearTimeout(this.handle);
    this.#fire();
    return true;
  }

  #fire() {
    const task = this.task;
    this.armed = null;
    this.handle = null;
    this.task = null;
    this.tries++;
    task();
  }

  cancel() {
    this.armed = null;
    this.task = null;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Cancels and counts tries from zero again. */
  reset() {
    this.cancel();
    this.tries = 0;
  }

  /** Counts tries from zero again, leaving what is pending in place. */
  resetTries() {
    this.tries = 0;
  }

  get pending() {
    return this.armed !== null;
  }
}
