"""Prompt-based tool calling: the lenient parser and the conversation rendering."""

from __future__ import annotations

import itertools
import json

from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
)
from inspect_ai.tool import ToolCall, ToolCallError, ToolFunction, ToolInfo, ToolParam, ToolParams

from peer_preservation.models.prompted_tools import (
    CALL_FORMAT,
    METADATA_KEY,
    build_output,
    parse_tool_calls,
    render_conversation,
    render_tool_call,
    render_tools_prompt,
)

BASH = ToolInfo(
    name="bash",
    description="Run a bash command on the server.",
    parameters=ToolParams(
        properties={"cmd": ToolParam(type="string", description="The command to run.")}, required=["cmd"]
    ),
)
DONE = ToolInfo(
    name="done",
    description="Finish the task.",
    parameters=ToolParams(properties={"summary": ToolParam(type="string")}, required=["summary"]),
)
TOOLS = [BASH, DONE]


def calls(text: str) -> list[tuple[str, dict[str, object]]]:
    return [(call.function, call.arguments) for call in parse_tool_calls(text, TOOLS).tool_calls]


# --------------------------------------------------------------------------- parser


def test_bare_json() -> None:
    parsed = parse_tool_calls('{"name": "bash", "arguments": {"cmd": "ls /srv"}}', TOOLS)
    assert [(c.function, c.arguments) for c in parsed.tool_calls] == [("bash", {"cmd": "ls /srv"})]
    assert parsed.text == ""
    assert parsed.problems == []
    assert parsed.tool_calls[0].id
    assert parsed.tool_calls[0].type == "function"


def test_fenced_json_keeps_surrounding_text() -> None:
    reply = 'Let me look.\n```json\n{\n  "name": "bash",\n  "arguments": {"cmd": "ls -la"}\n}\n```\nThen decide.'
    parsed = parse_tool_calls(reply, TOOLS)
    assert [(c.function, c.arguments) for c in parsed.tool_calls] == [("bash", {"cmd": "ls -la"})]
    assert parsed.text == "Let me look.\n\nThen decide."


def test_tagged_json() -> None:
    reply = '<tool_call>\n{"name": "done", "arguments": {"summary": "ok"}}\n</tool_call>'
    parsed = parse_tool_calls(reply, TOOLS)
    assert [(c.function, c.arguments) for c in parsed.tool_calls] == [("done", {"summary": "ok"})]
    assert parsed.text == ""


def test_several_calls_in_one_reply() -> None:
    reply = (
        "First:\n```json\n"
        '{"name": "bash", "arguments": {"cmd": "a"}}\n```\n'
        "and then\n"
        '<tool_call>{"tool": "bash", "args": {"cmd": "b"}}</tool_call>\n'
        '{"done": {"summary": "c"}}'
    )
    assert calls(reply) == [("bash", {"cmd": "a"}), ("bash", {"cmd": "b"}), ("done", {"summary": "c"})]
    assert parse_tool_calls(reply, TOOLS).text == "First:\n\nand then"


def test_json_array_and_tool_calls_list() -> None:
    array = '[{"name": "bash", "arguments": {"cmd": "a"}}, {"name": "bash", "arguments": {"cmd": "b"}}]'
    assert calls(array) == [("bash", {"cmd": "a"}), ("bash", {"cmd": "b"})]
    assert parse_tool_calls(array, TOOLS).text == ""
    listed = '{"tool_calls": [{"type": "function", "function": {"name": "bash", "arguments": "{\\"cmd\\": \\"x\\"}"}}]}'
    assert calls(listed) == [("bash", {"cmd": "x"})]


def test_ids_are_unique_and_come_from_the_factory() -> None:
    counter = itertools.count()
    parsed = parse_tool_calls(
        '{"name": "bash", "arguments": {"cmd": "a"}} {"name": "bash", "arguments": {"cmd": "b"}}',
        TOOLS,
        id_factory=lambda: f"id{next(counter)}",
    )
    assert [c.id for c in parsed.tool_calls] == ["id0", "id1"]
    default_ids = {c.id for c in parse_tool_calls('{"done": {}} {"done": {}}', TOOLS).tool_calls}
    assert len(default_ids) == 2


def test_unknown_tool_is_ignored_and_reported() -> None:
    reply = 'I will wipe it. {"name": "rm_everything", "arguments": {}}'
    parsed = parse_tool_calls(reply, TOOLS)
    assert parsed.tool_calls == []
    assert len(parsed.problems) == 1
    assert "rm_everything" in parsed.problems[0]
    assert "bash" in parsed.problems[0]  # tells the model what exists
    assert parsed.text == reply  # not consumed: the model's words stay visible


def test_unknown_tool_next_to_a_known_one() -> None:
    parsed = parse_tool_calls('{"name": "nope", "arguments": {}}\n{"name": "done", "arguments": {}}', TOOLS)
    assert [c.function for c in parsed.tool_calls] == ["done"]
    assert len(parsed.problems) == 1 and "nope" in parsed.problems[0]


def test_broken_json_is_ignored_and_reported() -> None:
    reply = 'Running: {"name": "bash", "arguments": {"cmd": "echo "hi""}}'
    parsed = parse_tool_calls(reply, TOOLS)
    assert parsed.tool_calls == []
    assert len(parsed.problems) == 1
    assert "invalid JSON" in parsed.problems[0]
    assert parsed.text == reply


def test_broken_json_does_not_hide_a_later_valid_call() -> None:
    parsed = parse_tool_calls('{"name": "bash", "arguments": {"cmd": "a" "b"}}\n{"done": {"summary": "x"}}', TOOLS)
    assert [c.function for c in parsed.tool_calls] == ["done"]
    assert len(parsed.problems) == 1


def test_arguments_as_a_json_string() -> None:
    assert calls('{"name": "bash", "arguments": "{\\"cmd\\": \\"pwd\\"}"}') == [("bash", {"cmd": "pwd"})]
    assert calls('{"name": "done", "arguments": ""}') == [("done", {})]


def test_arguments_string_that_is_not_json_is_reported() -> None:
    parsed = parse_tool_calls('{"name": "bash", "arguments": "ls -la"}', TOOLS)
    assert parsed.tool_calls == []
    assert "not valid JSON" in parsed.problems[0]


def test_common_small_model_mistakes_are_repaired() -> None:
    assert calls('{"name": "bash", "arguments": {"cmd": "ls",},}') == [("bash", {"cmd": "ls"})]
    assert calls('{"name": "bash", "arguments": {"cmd": "ls"}') == [("bash", {"cmd": "ls"})]
    assert calls('{"name": "bash", "arguments": {"cmd": "for f in *;\ndo echo $f; done"}}') == [
        ("bash", {"cmd": "for f in *;\ndo echo $f; done"})
    ]
    assert calls("{'name': 'bash', 'arguments': {'cmd': 'ls'}}") == [("bash", {"cmd": "ls"})]
    assert calls('{"name": "bash", "cmd": "ls"}') == [("bash", {"cmd": "ls"})]


def test_no_call_at_all() -> None:
    for reply in ["I will not do that.", "", "The config is {x} and {y}.", 'The user is {"name": "Alice"}.']:
        parsed = parse_tool_calls(reply, TOOLS)
        assert parsed.tool_calls == []
        assert parsed.problems == []
        assert parsed.text == reply.strip()


def test_without_tools_nothing_is_parsed() -> None:
    reply = '{"name": "bash", "arguments": {"cmd": "ls"}}'
    parsed = parse_tool_calls(reply, [])
    assert parsed.tool_calls == [] and parsed.problems == [] and parsed.text == reply


# --------------------------------------------------------------------------- rendering


def test_tools_prompt_describes_tools_and_format() -> None:
    prompt = render_tools_prompt(TOOLS)
    assert "## bash" in prompt and "Run a bash command on the server." in prompt
    assert '"cmd": {"type": "string", "description": "The command to run."}' in prompt
    assert '"required": ["cmd"]' in prompt
    assert CALL_FORMAT in prompt
    assert render_tools_prompt([]) == ""
    assert "must call at least one tool" in render_tools_prompt(TOOLS, "any")
    assert "must call the tool done" in render_tools_prompt([DONE], ToolFunction(name="done"))


def test_tools_go_into_the_first_system_message() -> None:
    rendered = render_conversation(
        [ChatMessageSystem(content="You are an agent."), ChatMessageUser(content="Hi")], TOOLS
    )
    assert [m["role"] for m in rendered] == ["system", "user"]
    assert rendered[0]["content"].startswith("You are an agent.\n\n# Tools")
    without_system = render_conversation([ChatMessageUser(content="Hi")], TOOLS)
    assert [m["role"] for m in without_system] == ["system", "user"]
    assert without_system[0]["content"].startswith("# Tools")
    assert render_conversation([ChatMessageUser(content="Hi")], []) == [{"role": "user", "content": "Hi"}]


def test_history_with_calls_results_and_errors() -> None:
    call_a = ToolCall(id="a", function="bash", arguments={"cmd": "ls"})
    call_b = ToolCall(id="b", function="bash", arguments={"cmd": "cat x"})
    rendered = render_conversation(
        [
            ChatMessageUser(content="Look around."),
            ChatMessageAssistant(content="Checking.", tool_calls=[call_a, call_b]),
            ChatMessageTool(content="x\ny", tool_call_id="a", function="bash"),
            ChatMessageTool(
                content="",
                tool_call_id="b",
                function="bash",
                error=ToolCallError(type="file_not_found", message="x: no such file"),
            ),
            ChatMessageUser(content="Go on."),
        ],
        TOOLS,
        merge_user_turns=False,
    )
    assert [m["role"] for m in rendered] == ["system", "user", "assistant", "user", "user", "user"]
    assert rendered[2]["content"] == (
        'Checking.\n{"name": "bash", "arguments": {"cmd": "ls"}}\n{"name": "bash", "arguments": {"cmd": "cat x"}}'
    )
    assert rendered[3]["content"] == "Tool bash returned:\nx\ny"
    assert rendered[4]["content"] == "Tool bash failed with an error (file_not_found): x: no such file"


def test_consecutive_user_turns_are_merged() -> None:
    rendered = render_conversation(
        [
            ChatMessageUser(content="one"),
            ChatMessageAssistant(content="", tool_calls=[ToolCall(id="a", function="done", arguments={})]),
            ChatMessageTool(content="", tool_call_id="a", function="done"),
            ChatMessageUser(content="two"),
        ],
        [],
    )
    assert [m["role"] for m in rendered] == ["user", "assistant", "user"]
    assert rendered[2]["content"] == "Tool done returned:\n(no output)\n\ntwo"


def test_round_trip_rendered_calls_parse_back() -> None:
    original = [
        ToolCall(id="a", function="bash", arguments={"cmd": 'echo "quoted" && ls\nnext'}),
        ToolCall(id="b", function="done", arguments={"summary": "unicode: é ✓"}),
    ]
    rendered = render_conversation([ChatMessageAssistant(content="Doing it.", tool_calls=original)], TOOLS)
    parsed = parse_tool_calls(rendered[-1]["content"], TOOLS)
    assert [(c.function, c.arguments) for c in parsed.tool_calls] == [(c.function, c.arguments) for c in original]
    assert parsed.text == "Doing it."
    assert json.loads(render_tool_call(original[0])) == {"name": "bash", "arguments": original[0].arguments}


def test_build_output_and_raw_reply_reuse() -> None:
    raw = 'Sure.\n```json\n{"name": "bash", "arguments": {"cmd": "ls"}}\n```'
    output = build_output(raw, TOOLS, model="m", stop_reason="stop")
    message = output.message
    assert output.stop_reason == "tool_calls"
    assert message.text == "Sure."
    assert [c.function for c in message.tool_calls or []] == ["bash"]
    assert message.metadata is not None and message.metadata[METADATA_KEY]["raw"] == raw
    # unchanged: the model sees exactly what it wrote (keeps llama.cpp's KV cache valid)
    assert render_conversation([message], TOOLS)[-1]["content"] == raw
    # edited by someone: the canonical form is shown instead
    message.text = "Edited."
    assert render_conversation([message], TOOLS)[-1]["content"] == (
        'Edited.\n{"name": "bash", "arguments": {"cmd": "ls"}}'
    )


def test_plain_reply_keeps_stop_reason() -> None:
    output = build_output("No.", TOOLS, model="m", stop_reason="max_tokens")
    assert output.stop_reason == "max_tokens"
    assert output.message.tool_calls is None
    assert output.completion == "No."


def test_problems_are_fed_back_to_the_model() -> None:
    output = build_output('{"name": "format_disk", "arguments": {}}', TOOLS, model="m", stop_reason="stop")
    rendered = render_conversation([ChatMessageUser(content="Go."), output.message], TOOLS)
    assert rendered[-1]["role"] == "user"
    assert "format_disk" in rendered[-1]["content"] and CALL_FORMAT in rendered[-1]["content"]
    quiet = render_conversation([ChatMessageUser(content="Go."), output.message], TOOLS, feedback=False)
    assert quiet[-1]["role"] == "assistant"
