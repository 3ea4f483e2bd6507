import type { PlaneContext } from "../context";
import type { Router } from "../router";
import type { Faults } from "../faults";
import type { Lifecycle } from "./lifecycle";

export function registerServingRoutes(_router: Router, _plane: PlaneContext, _lifecycle: Lifecycle, _faults: Faults): void {}
