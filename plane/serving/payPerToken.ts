import type { PlaneContext } from "../context";
export function seedPayPerTokenEndpoints(_plane: PlaneContext): void {}
