// All four Bedrock runtime operations through the AWS SDK for JavaScript v3's default client (no requestHandler):
// since 3.798.0 that client speaks HTTP/2 (aws/aws-sdk-js-v3#7041). Prints one JSON line per operation.
import {
  BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";

const client = new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: process.env.MOCK_BEDROCK_URL,
  credentials: { accessKeyId: "AKIAFAKEFAKEFAKE0000", secretAccessKey: "fake-secret-for-tests" },
});
const modelId = "us.meta.llama4-maverick-17b-instruct-v1:0";
const messages = [{ role: "user", content: [{ text: "Say hello" }] }];
const out = {};

const converse = await client.send(new ConverseCommand({ modelId, messages, inferenceConfig: { maxTokens: 64 } }));
out.converse = { text: converse.output.message.content[0].text, stopReason: converse.stopReason,
                 usage: converse.usage, requestId: converse.$metadata.requestId };

const stream = await client.send(new ConverseStreamCommand({ modelId, messages, inferenceConfig: { maxTokens: 64 } }));
const events = [];
let streamed = "";
for await (const event of stream.stream) {
  const name = Object.keys(event)[0];
  events.push(name);
  if (name === "contentBlockDelta") streamed += event.contentBlockDelta.delta.text;
}
out.converseStream = { events, text: streamed };

const body = JSON.stringify({ prompt: "Say hello", max_gen_len: 64 });
const invoke = await client.send(new InvokeModelCommand({ modelId, body, contentType: "application/json" }));
out.invokeModel = JSON.parse(new TextDecoder().decode(invoke.body));

const chunks = [];
const invokeStream = await client.send(new InvokeModelWithResponseStreamCommand({ modelId, body,
                                                                                  contentType: "application/json" }));
for await (const event of invokeStream.body) {
  chunks.push(JSON.parse(new TextDecoder().decode(event.chunk.bytes)));
}
out.invokeModelWithResponseStream = chunks;
console.log(JSON.stringify(out));
