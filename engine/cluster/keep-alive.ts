// Whether a driver's cluster keeps its process alive. The worker processes, their IPC channels,
// the endpoint's server and its sockets do not (they are unref'd): an idle session must not hold
// a script open after its last line, as a PySpark script ends after its last line. What the
// driver is waiting for does: each hold() (a running job, workers starting) keeps one ref'd timer
// alive until every hold has been released.

export class KeepAlive {
  private holds = 0;
  private timer?: ReturnType<typeof setInterval>;

  /** Keep the process alive until the returned function is called (once; later calls do nothing). */
  hold(): () => void {
    if (this.holds++ === 0) this.timer = setInterval(() => {}, 1 << 30);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Keep the process alive while a promise is pending. */
  during<T>(p: Promise<T>): Promise<T> {
    const release = this.hold();
    return p.finally(release);
  }

  get held(): number {
    return this.holds;
  }
}
