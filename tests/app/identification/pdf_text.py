"""The text of a PDF WeasyPrint wrote, read from its bytes (the lock has no PDF reader).

Enough of PDF for WeasyPrint's output (pydyf): objects, with those packed in compressed object streams;
FlateDecode streams; fonts with a ``/ToUnicode`` CMap (``bfchar`` and ``bfrange``; two-byte codes for
Type0 fonts); page content streams whose ``Tj``/``TJ`` strings are hexadecimal. Each text object (``BT …
ET``) ends a line. Not a general PDF reader.
"""

from __future__ import annotations

import re
import zlib

Objects = dict[int, tuple[bytes, bytes | None]]


def objects(data: bytes) -> Objects:
    """Object number -> (its dictionary, its decompressed stream or None); object streams unpacked."""
    objs: Objects = {}
    for m in re.finditer(rb"(\d+) 0 obj\s*", data):
        start = m.end()
        end = data.find(b"endobj", start)
        head, stream = data[start:end], None
        k = head.find(b"stream")
        if k >= 0:
            head = head[:k]
            length = re.search(rb"/Length (\d+)", head)
            assert length is not None, "a stream without a direct /Length"
            s = start + k + len(b"stream")
            s += 2 if data[s : s + 2] == b"\r\n" else 1
            raw = data[s : s + int(length.group(1))]
            stream = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        objs[int(m.group(1))] = (head, stream)
    for head, stream in list(objs.values()):
        if b"/ObjStm" in head and stream is not None:
            first = re.search(rb"/First (\d+)", head)
            assert first is not None
            at = int(first.group(1))
            nums = [int(x) for x in stream[:at].split()]
            pairs = list(zip(nums[::2], nums[1::2], strict=True))
            for i, (num, off) in enumerate(pairs):
                stop = at + pairs[i + 1][1] if i + 1 < len(pairs) else len(stream)
                objs[num] = (stream[at + off : stop], None)
    return objs


def cmap(text: bytes) -> dict[int, str]:
    """A ToUnicode CMap: code -> text."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                out[code] = chr(base + i)
    return out


def pdf_text(data: bytes) -> str:
    """Every string the pages draw, decoded through its font's ToUnicode CMap."""
    objs = objects(data)
    fonts: dict[bytes, tuple[dict[int, str], int]] = {}
    for head, _ in objs.values():
        for name, num in re.findall(rb"/([\w.+-]+) (\d+) 0 R", head):
            font = objs.get(int(num), (b"", None))[0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if b"/Font" in font and to_unicode:
                fonts[name] = (cmap(objs[int(to_unicode.group(1))][1] or b""), 2 if b"/Type0" in font else 1)
    out: list[str] = []
    for _head, stream in objs.values():
        if stream is None or b" Tf" not in stream:
            continue
        current: tuple[dict[int, str], int] = ({}, 1)
        for tok in re.finditer(rb"/([\w.+-]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\b(ET)\b", stream):
            if tok.group(1):
                current = fonts.get(tok.group(1), ({}, 1))
            elif tok.group(3):
                out.append("\n")
            else:
                raw, (codes, width) = bytes.fromhex(tok.group(2).decode()), current
                out.append(
                    "".join(
                        codes.get(int.from_bytes(raw[i : i + width], "big"), "")
                        for i in range(0, len(raw), width)
                    )
                )
    return "".join(out)


def page_count(data: bytes) -> int:
    """The pages of the PDF (``/Type /Page`` objects, those in object streams included)."""
    return sum(1 for head, _ in objects(data).values() if re.search(rb"/Type\s*/Page(?![a-zA-Z])", head))
