// A real ODK client engine (@getodk/xforms-engine, the engine of ODK Web Forms) driven from Node,
// used by Minka's tests: it downloads a form from a Minka server as ODK Collect does (form list,
// XForm, manifest, media), fills it with the answers given, builds the exact submission payload and
// POSTs it to /submission. Prints one JSON line: {status, body, instanceID}.
//
//   node scripts/odk-client.mjs SERVER FORM_ID USER PASSWORD ANSWERS.json
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

const [server, formId, user, password, answersPath] = process.argv.slice(2);
const auth = "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
const headers = { Authorization: auth, "X-OpenRosa-Version": "1.0" };

// The engine expects a DOM: jsdom provides it (see ../shared notes on OpenRosa).
const dom = new JSDOM("<!doctype html><html><body></body></html>");
for (const name of ["DOMParser", "XMLSerializer", "document", "Node", "Element", "Document", "XPathResult", "Attr",
                    "NodeFilter", "XMLDocument", "Text"]) {
  globalThis[name] = dom.window[name];
}
globalThis.__dirname = process.cwd();
globalThis.require = createRequire(import.meta.url);
const { loadForm } = await import("@getodk/xforms-engine");

async function get(url) {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

function tag(xml, name) {
  const doc = new dom.window.DOMParser().parseFromString(xml, "text/xml");
  return Array.from(doc.getElementsByTagName(name));
}

const list = await get(`${server}/formList`);
const entry = tag(list, "xform").find((x) => x.getElementsByTagName("formID")[0].textContent === formId);
if (!entry) throw new Error(`form ${formId} not in the form list`);
const xform = await get(entry.getElementsByTagName("downloadUrl")[0].textContent);
const media = {};
const manifestUrl = entry.getElementsByTagName("manifestUrl")[0];
if (manifestUrl) {
  for (const file of tag(await get(manifestUrl.textContent), "mediaFile")) {
    media[file.getElementsByTagName("filename")[0].textContent] =
      await get(file.getElementsByTagName("downloadUrl")[0].textContent);
  }
}

const form = await loadForm(xform, {
  fetchFormAttachment: async (url) => new Response(media[String(url).split("/").pop()] ?? "", { status: 200 }),
});
if (form.status === "failure") throw form.error;
const instance = form.createInstance({});
const answers = JSON.parse(readFileSync(answersPath, "utf8"));

function name(node) {
  return node.definition.nodeset.split("/").pop();
}

function fill(node, values) {
  for (const child of node.currentState.children ?? []) {
    const key = name(child);
    if (child.nodeType.startsWith("repeat-range")) {
      const items = values[key] ?? [];
      while (child.currentState.children.length < items.length) child.addInstances();
      child.currentState.children.forEach((item, index) => fill(item, items[index] ?? {}));
    } else if (child.nodeType === "group") {
      fill(child, typeof values[key] === "object" ? values[key] : values);
    } else if (key in values) {
      const value = values[key];
      if (child.nodeType === "select") child.selectValues(String(value).split(" ").filter(Boolean));
      else child.setValue(value);
    }
  }
}

fill(instance.root, answers);
const payload = await instance.root.prepareInstancePayload({ payloadType: "monolithic" });
const body = payload.data[0];
const xml = await body.get("xml_submission_file").text();
const response = await fetch(`${server}/submission`, { method: "POST", headers, body });
const instanceID = (xml.match(/<instanceID>([^<]+)<\/instanceID>/) || [])[1];
console.log(JSON.stringify({ status: response.status, body: await response.text(), instanceID,
                             payloadStatus: payload.status }));
