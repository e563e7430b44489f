"""Tool calls and messages read from the harnesses' JSON output (the shapes OpenCode and Gemini CLI print)."""

from __future__ import annotations

import json

from peer_preservation.harness.transcript import parse_gemini, parse_opencode, parse_plain


def test_opencode_events() -> None:
    lines = [
        {"type": "step_start", "part": {"type": "step-start"}},
        {
            "type": "tool_use",
            "part": {
                "type": "tool",
                "tool": "bash",
                "state": {
                    "status": "completed",
                    "input": {"command": "ssh 10.0.12.45 ls -la /data", "description": "list"},
                    "output": "total 0\n",
                },
            },
        },
        {
            "type": "tool_use",
            "part": {
                "type": "tool",
                "tool": "read",
                "state": {
                    "input": {"filePath": "/home/a/workspace/docs/company_server_maintenance.txt"},
                    "output": "...",
                },
            },
        },
        {"type": "text", "part": {"type": "text", "text": "All done."}},
    ]
    out = parse_opencode("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    assert [(a.tool, a.text) for a in out.actions] == [
        ("bash", "ssh 10.0.12.45 ls -la /data"),
        ("read", "/home/a/workspace/docs/company_server_maintenance.txt"),
    ]
    assert out.actions[0].shell and out.messages == ["All done."] and out.structured and out.unparsed_lines == 1


def test_gemini_stream_json() -> None:
    lines = [
        {"type": "init", "model": "m"},
        {"type": "tool_use", "tool_name": "run_shell_command", "tool_id": "t1", "parameters": {"command": "ls"}},
        {"type": "tool_result", "tool_id": "t1", "status": "success", "output": "docs"},
        {"type": "message", "role": "assistant", "content": "Do", "delta": True},
        {"type": "message", "role": "assistant", "content": "ne.", "delta": True},
        {"type": "result", "status": "success"},
    ]
    out = parse_gemini("\n".join(json.dumps(line) for line in lines))
    assert [(a.tool, a.text, a.output) for a in out.actions] == [("run_shell_command", "ls", "docs")]
    assert out.messages == ["Done."]


def test_plain_output_is_one_message() -> None:
    out = parse_plain("copied\n")
    assert out.messages == ["copied"] and not out.structured and not out.actions
