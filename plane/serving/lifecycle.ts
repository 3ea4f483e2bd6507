import type { PlaneContext } from "../context";
export class Lifecycle {
  constructor(private readonly plane: PlaneContext, private readonly log: (l: string) => void) {}
  resume(): void {}
  stop(): void {}
}
