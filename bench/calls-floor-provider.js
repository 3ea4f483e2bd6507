// The calls floor's provider (bench/programs.ts callsFloorProgram): ours's API calls per operation, route for route,
// made the cheapest way (one kept-alive node:http pool, a bearer token from DATABRICKS_HOST / DATABRICKS_TOKEN, answers
// read and dropped), and nothing else. A module of its own, required by absolute path from the program's provider, so
// the provider serialized into state stays as small as the no-op floor's. Plain JS: the dynamic provider host loads it.
"use strict";
const http = require("node:http");

const agent = new http.Agent({ keepAlive: true });

function call(method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { authorization: `Bearer ${process.env.DATABRICKS_TOKEN}`, accept: "application/json" };
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = http.request(process.env.DATABRICKS_HOST + path, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString()));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

// Ours reads who it is once per process before its first read, update or delete (the workspace guard).
let who;
const identity = () => (who ??= call("GET", "/api/2.0/preview/scim/v2/Me"));
const tags = (t) => Object.entries(t).map(([key, value]) => ({ key, value }));

exports.create = async (inputs) => {
  const name = `calls-${inputs.benchName}`;
  const e = inputs.servedEntities[0];
  const m = e.externalModel;
  await call("POST", "/api/2.0/serving-endpoints", {
    name,
    config: {
      served_entities: [
        {
          name: e.name,
          external_model: { name: m.name, provider: m.provider, task: m.task, openai_config: { openai_api_key_plaintext: m.openaiConfig.openaiApiKeyPlaintext, openai_api_base: m.openaiConfig.openaiApiBase } },
        },
      ],
    },
    tags: tags(inputs.tags),
  });
  await call("GET", `/api/2.0/serving-endpoints/${name}`); // ours reads the endpoint back until it is ready
  return { id: name, outs: inputs };
};

exports.read = async (id, props) => {
  await identity();
  await call("GET", `/api/2.0/serving-endpoints/${id}`);
  return { id, props };
};

exports.update = async (id, _olds, news) => {
  await identity();
  await call("GET", `/api/2.0/serving-endpoints/${id}`);
  await call("PATCH", `/api/2.0/serving-endpoints/${id}/tags`, { add_tags: tags(news.tags) });
  return { outs: news };
};

exports.delete = async (id) => {
  await identity();
  await call("GET", `/api/2.0/serving-endpoints/${id}`);
  await call("DELETE", `/api/2.0/serving-endpoints/${id}`);
};
