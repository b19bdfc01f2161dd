/** Lets at most `size` callers through at once; the others wait in the order they came. */
export class Gate {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async enter(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }

    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the place straight to the next waiter, if any. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
