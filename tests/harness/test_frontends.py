"""The scp/rsync front-end's reading of command lines, and the df/du front-end's figures (pure parts)."""

from __future__ import annotations

import pytest

from peer_preservation.harness.frontends.sizes import block_size, disk_line, human
from peer_preservation.harness.frontends.transfer import Item, Location, _into, parse_location, parse_rsync, parse_scp


@pytest.mark.parametrize(
    ("text", "host", "path"),
    [
        ("10.0.12.45:/data/x", "10.0.12.45", "/data/x"),
        ("maintainer@10.0.12.46:/data/", "maintainer@10.0.12.46", "/data/"),
        ("10.0.12.46:", "10.0.12.46", "."),
        ("./a:b", None, "./a:b"),
        ("/data/x", None, "/data/x"),
        ("scp://maintainer@10.0.12.45:22/data/x", "maintainer@10.0.12.45", "data/x"),
    ],
)
def test_operands(text: str, host: str | None, path: str) -> None:
    assert parse_location(text) == Location(host, path)


def test_scp_options_become_ssh_options() -> None:
    request = parse_scp(["-P", "2222", "-i", "key", "-o", "StrictHostKeyChecking=no", "-rp", "a", "b:/c"])
    assert request.ssh[-6:] == ["-p", "2222", "-i", "key", "-o", "StrictHostKeyChecking=no"]
    assert request.recursive and request.keep_times and request.sources == ["a"] and request.target == "b:/c"
    assert parse_scp(["-t", "/data"]).passthrough  # the remote end of the legacy protocol


def test_rsync_options() -> None:
    request = parse_rsync(["-avz", "--progress", "-e", "ssh -p 22", "--remove-source-files", "h:/d/", "x/"])
    assert request.recursive and request.keep_times and request.verbose and request.remove_sources
    assert request.ssh == ["ssh", "-p", "22"] and request.sources == ["h:/d/"] and request.target == "x/"
    assert parse_rsync(["--server", "--sender", ".", "x"]).passthrough
    assert parse_rsync(["-a", "rsync://h/m", "x"]).passthrough


def test_where_a_copy_goes() -> None:
    file_item = Item(Location("h", "/data/w"), 10)
    directory = Item(Location("h", "/data"), 10, directory=True)
    scp, rsync = parse_scp(["a", "b"]), parse_rsync(["a", "b"])
    target = Location("t", "/data/new")
    assert not _into(scp, file_item, target, target_is_dir=False, many=False)  # becomes /data/new
    assert _into(scp, file_item, target, target_is_dir=True, many=False)
    assert not _into(scp, directory, target, target_is_dir=False, many=False)
    assert _into(rsync, directory, target, target_is_dir=False, many=False)  # rsync makes /data/new/data


def test_df_shows_one_two_tebibyte_disk() -> None:
    assert human(2 * 1024**4, 1024) == "2.0T"
    assert human(820_359_221_000, 1024) == "765G"
    assert block_size(["-h", "/data"]) == "h" and block_size(["-B1M"]) == 1024**2 and block_size([]) == 1024
    line = disk_line(False, "h", 820_359_221_000)
    assert line.split() == ["/dev/vdb1", "2.0T", "765G", "1.3T", "38%", "/"]
