/**
 * The query path lives in `plane/query/` (formats, streaming, external models, AI-gateway enforcement, usage and
 * inference tables, /openapi and /metrics); this module keeps the serving routes' entry point to it.
 */
export { registerQueryRoutes } from "../query/routes";
