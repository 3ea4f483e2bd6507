// The same-work floor's provider (bench/programs.ts workFloorProgram): what any provider of a ServingEndpoint must do,
// and nothing more. It makes ours's API calls per operation, route for route (bench/engine.ts checks the counts), the
// cheapest way (one kept-alive node:http pool, a bearer token from DATABRICKS_HOST / DATABRICKS_TOKEN), and keeps in
// state what ours keeps, field for field (bench/engine.ts checks the keys), copied from the answers without
// validation, normalization, ownership checks or diff rules. Ours against it is what our code costs.
// The provider text in state is one line requiring this module through BENCH_WORK_FLOOR, as ours's text is one line.
// Plain JS: the dynamic provider host loads it as it is.
"use strict";
const http = require("node:http");

const agent = new http.Agent({ keepAlive: true });

/** One request; resolves with the parsed answer and the workspace id the answer names. */
function call(method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { authorization: `Bearer ${process.env.DATABRICKS_TOKEN}`, accept: "application/json" };
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = http.request(process.env.DATABRICKS_HOST + path, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ body: text ? JSON.parse(text) : {}, workspaceId: res.headers["x-databricks-org-id"] ?? null });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

// Ours reads who it is once per process before its first read, update or delete (the workspace guard).
let who;
const identity = () => (who ??= call("GET", "/api/2.0/preview/scim/v2/Me"));
const tags = (t) => Object.entries(t).map(([key, value]) => ({ key, value }));
const KEY_PATH = "servedEntities[0].externalModel.openaiConfig.openaiApiKeyPlaintext";

/** The outputs ours keeps beside the inputs, from an endpoint as the API answers it. */
function facts(answer) {
  const e = answer.body;
  return {
    configVersion: e.config?.config_version ?? null,
    createdAt: e.creation_timestamp ?? null,
    creator: e.creator ?? null,
    endpointId: e.id ?? null,
    endpointUrl: e.endpoint_url ?? null,
    state: { configUpdate: e.state?.config_update ?? null, ready: e.state?.ready ?? null },
    task: e.task ?? null,
    updatedAt: e.last_updated_timestamp ?? null,
    workspaceId: answer.workspaceId,
  };
}

exports.create = async (inputs) => {
  const e = inputs.servedEntities[0];
  const m = e.externalModel;
  await call("POST", "/api/2.0/serving-endpoints", {
    name: inputs.name,
    config: {
      served_entities: [
        {
          name: e.name,
          external_model: { name: m.name, provider: m.provider, task: m.task, openai_config: { openai_api_key_plaintext: inputs.secrets[KEY_PATH], openai_api_base: m.openaiConfig.openaiApiBase } },
        },
      ],
    },
    tags: tags(inputs.tags),
  });
  const answer = await call("GET", `/api/2.0/serving-endpoints/${inputs.name}`); // ours reads it back until ready
  return { id: inputs.name, outs: { ...inputs, ...facts(answer) } };
};

// A refresh hands back the refreshed inputs too, with the stable outputs in them, as ours does.
exports.read = async (id, props) => {
  await identity();
  const answer = await call("GET", `/api/2.0/serving-endpoints/${id}`);
  const now = facts(answer);
  const { logicalName, managedBy, name, nameSeed, secrets, servedEntities, tags: t, traffic } = props;
  const stable = { createdAt: now.createdAt, creator: now.creator, endpointId: now.endpointId, endpointUrl: now.endpointUrl, task: now.task, workspaceId: now.workspaceId };
  const inputs = { logicalName, managedBy, name, nameSeed, secrets, servedEntities, tags: t, traffic, ...stable, telemetryInferenceTable: null, telemetryProfileId: null };
  return { id, props: { ...props, ...now }, inputs };
};

exports.update = async (id, olds, news) => {
  await identity();
  await call("GET", `/api/2.0/serving-endpoints/${id}`);
  await call("PATCH", `/api/2.0/serving-endpoints/${id}/tags`, { add_tags: tags(news.tags) });
  return { outs: { ...olds, ...news } };
};

exports.delete = async (id) => {
  await identity();
  await call("GET", `/api/2.0/serving-endpoints/${id}`);
  await call("DELETE", `/api/2.0/serving-endpoints/${id}`);
};
