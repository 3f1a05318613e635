// Web entry: ODK Web Forms (ODK's own web client) fills a Minka form in the browser and sends it to
// the same /submission endpoint phones use, with the signed-in session and its CSRF token.
import { createApp, h } from "vue";
import { OdkWebForm, POST_SUBMIT__NEW_INSTANCE, webFormsPlugin } from "@getodk/web-forms";

const el = document.getElementById("webform");
const status = document.getElementById("webform-status");

function say(text, ok) {
  status.textContent = text;
  status.className = ok ? "messages ok" : "messages error";
  status.hidden = false;
}

async function start() {
  const formXml = await (await fetch(el.dataset.form, { credentials: "same-origin" })).text();
  const fetchFormAttachment = (url) =>
    fetch(el.dataset.media + encodeURIComponent(String(url).split("/").pop()), { credentials: "same-origin" });
  const onSubmit = async (payload, callback) => {
    const response = await fetch(el.dataset.submit, {
      method: "POST", body: payload.data[0], credentials: "same-origin",
      headers: { "X-CSRFToken": el.dataset.csrf, "X-OpenRosa-Version": "1.0" },
    });
    const text = new DOMParser().parseFromString(await response.text(), "text/xml")
      .getElementsByTagName("message")[0]?.textContent ?? String(response.status);
    say(text, response.status === 201);
    el.dataset.sent = String(response.status);
    if (response.status === 201 && typeof callback === "function") callback(POST_SUBMIT__NEW_INSTANCE);
  };
  const app = createApp({ render: () => h(OdkWebForm, { formXml, fetchFormAttachment, onSubmit }) });
  app.use(webFormsPlugin);
  app.mount(el);
  el.dataset.ready = "1";
}

if (el) start().catch((error) => say(String(error), false));
