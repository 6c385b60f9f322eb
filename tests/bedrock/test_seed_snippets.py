"""The Bedrock model page's own boto3 snippets (shared/seeds/004), with only endpoint_url added.

Both use the bare foundation-model id, which real AWS refuses for Llama 4 (inference profiles only,
wire-contracts 3.1), and the InvokeModel one sends an OpenAI-style body that the Meta native schema
rejects (langchain-aws#62): the mock answers each exactly as AWS does, so a user learns it offline.
"""

import json

import boto3
import pytest
from botocore.exceptions import ClientError

ON_DEMAND = (  # the typographic apostrophe is AWS's own ([obs] wire-contracts 3.1)
    "Invocation of model ID meta.llama4-maverick-17b-instruct-v1:0 with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)


def test_invoke_model_snippet(bedrock_url: str) -> None:
    client = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1", endpoint_url=bedrock_url)
    with pytest.raises(ClientError) as caught:
        client.invoke_model(
            modelId="meta.llama4-maverick-17b-instruct-v1:0",
            body=json.dumps({
                "messages": [{"role": "user", "content": "Can you explain the features of Amazon Bedrock?"}],
                "max_tokens": 1024,
            }),
        )  # fmt: skip
    assert caught.value.response["Error"] == {"Code": "ValidationException", "Message": ON_DEMAND}
    fixed = client.invoke_model(
        modelId="us.meta.llama4-maverick-17b-instruct-v1:0",
        body=json.dumps({"prompt": "Can you explain the features of Amazon Bedrock?", "max_gen_len": 1024}),
    )
    assert json.loads(fixed["body"].read())["generation"]
    with pytest.raises(ClientError) as native:
        client.invoke_model(
            modelId="us.meta.llama4-maverick-17b-instruct-v1:0",
            body=json.dumps({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1024}),
        )
    assert native.value.response["Error"]["Code"] == "ValidationException"
    assert native.value.response["Error"]["Message"].startswith("Malformed input request: ")


def test_converse_snippet(bedrock_url: str) -> None:
    client = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1", endpoint_url=bedrock_url)
    messages = [{"role": "user", "content": [{"text": "Can you explain the features of Amazon Bedrock?"}]}]
    with pytest.raises(ClientError) as caught:
        client.converse(modelId="meta.llama4-maverick-17b-instruct-v1:0", messages=messages)
    assert caught.value.response["Error"] == {"Code": "ValidationException", "Message": ON_DEMAND}
    response = client.converse(modelId="us.meta.llama4-maverick-17b-instruct-v1:0", messages=messages)
    assert response["stopReason"] == "end_turn" and response["output"]["message"]["content"][0]["text"]
