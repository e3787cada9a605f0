"""Archives, programs and mails gaip-xl does not open: each named, with what to do (``E_ARCHIVE_FORMAT``).

Offices receive submissions as RAR and 7z archives, tar and gzip files, self-extracting programs, mails saved from
the mailbox with the workbook attached (.eml, .msg) and web pages saved as one file (.mht). Each was a generic
``E_FILE_TYPE`` row, and a mail whose text spoke of 政府信息公开 was imported as the report itself: a row 有错误 of
blanks (J1 “None”, I1 for every table) standing for the workbook attached to it. The containers are drawn here as
their writers make them (tarfile, gzip, bz2, lzma, zipfile, the email package; RAR, 7z, CAB and zstd by the
signatures their formats begin with) and as the real programs write them (tar, gzip, bzip2, xz, zstd, zip).
"""

from __future__ import annotations

import bz2
import email.message
import email.policy
import gzip
import io
import json
import lzma
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl import containers, load_report
from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.worker import Job, process
from gaip_xl.errors import GaipError
from gaip_xl.importer import import_report
from gaip_xl.service.checking import check_file

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = (ROOT / "examples/submissions/淮安市人民政府-2024.xlsx").read_bytes()
REPORT_JSON = (ROOT / "examples/huaian-2024.json").read_bytes()
MEMBERS = {"年报.xlsx": WORKBOOK, "年报.json": REPORT_JSON,
           "报送函.txt": "关于报送2024年政府信息公开工作年度报告的函".encode()}
SIGNATURES = {containers.RAR: (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00"),  # RAR 4 and RAR 5
              containers.SEVEN_ZIP: (b"7z\xbc\xaf\x27\x1c\x00\x04",), containers.CAB: (b"MSCF\x00\x00\x00\x00",),
              containers.ZSTD: (b"\x28\xb5\x2f\xfd",)}
OUTLOOK_STREAM = "__substg1.0_0037001F".encode("utf-16-le")  # the subject's stream, in every Outlook item
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

members = st.lists(st.sampled_from(sorted(MEMBERS)), min_size=1, max_size=3, unique=True)
names = st.sampled_from(["年报", "县教育局报送", "submission", "附件1"])


def _tar(chosen: list[str], tar_format: int, mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode, format=tar_format) as archive:  # type: ignore[call-overload]
        for name in chosen:
            info = tarfile.TarInfo(f"报送/{name}")
            info.size = len(MEMBERS[name])
            archive.addfile(info, io.BytesIO(MEMBERS[name]))
    return buffer.getvalue()


def _zip(chosen: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in chosen:
            archive.writestr(f"报送/{name}", MEMBERS[name])
    return buffer.getvalue()


def _mail(chosen: list[str], body: str, smtp: bool) -> bytes:
    message = email.message.EmailMessage(policy=email.policy.SMTP if smtp else email.policy.default)
    message["From"], message["To"], message["Subject"] = "xxb@example.gov.cn", "hz@example.gov.cn", "报送年报"
    message.set_content(body)
    for name in chosen:
        message.add_attachment(MEMBERS[name], maintype="application", subtype="octet-stream", filename=name)
    message.set_boundary("=_gaip_boundary")  # drawn by the email package with random, which hypothesis forbids
    return bytes(message)


def _web_archive(body: str) -> bytes:
    page = email.message.EmailMessage()
    page["From"], page["Subject"] = "<Saved by Blink>", "政府信息公开工作年度报告"
    page["Snapshot-Content-Location"] = "http://www.example.gov.cn/2024.html"
    page["MIME-Version"] = "1.0"
    page.make_related()
    page.add_related(f"<html><body><p>{body}</p></body></html>", subtype="html")
    page.set_boundary("=_gaip_boundary")
    return bytes(page)


@st.composite
def containers_drawn(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(the form it must be named as, a file name, its bytes)."""
    chosen = draw(members)
    kind = draw(st.sampled_from(["tar", "gz", "zip", "sfx", "mail", "mht", "signature", "msg"]))
    body = draw(st.sampled_from(["附件是我单位2024年政府信息公开工作年度报告，请查收。", "请查收", ""]))
    if kind == "tar":
        mode, form = draw(st.sampled_from([("w", containers.TAR), ("w:gz", containers.GZIP),
                                            ("w:bz2", containers.BZIP2), ("w:xz", containers.XZ)]))
        tar_format = draw(st.sampled_from([tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]))
        name = draw(st.sampled_from(["报送.tar", "报送.tar.gz", "报送.tgz", "报送"]))
        return form, name, _tar(chosen, tar_format, mode)
    if kind == "gz":
        compress, form = draw(st.sampled_from([(gzip.compress, containers.GZIP), (bz2.compress, containers.BZIP2),
                                               (lzma.compress, containers.XZ)]))
        return form, draw(names) + ".xlsx.gz", compress(MEMBERS[chosen[0]])
    if kind == "zip":  # a zip of files under another extension (bulk opens only a .zip)
        return containers.ZIP, draw(names) + draw(st.sampled_from([".zipx", "", ".dat", ".rar"])), _zip(chosen)
    if kind == "sfx":  # a self-extracting zip: a program with the archive after it
        return containers.PROGRAM, draw(names) + ".exe", b"MZ" + bytes(draw(st.integers(62, 4000))) + _zip(chosen)
    if kind == "mail":
        return containers.MAIL, draw(names) + ".eml", _mail(chosen, body, draw(st.booleans()))
    if kind == "mht":
        return containers.WEB_ARCHIVE, draw(names) + draw(st.sampled_from([".mht", ".mhtml"])), _web_archive(body)
    if kind == "msg":
        padding = bytes(draw(st.integers(0, 2000)))
        return containers.OUTLOOK_MAIL, draw(names) + ".msg", OLE2_MAGIC + padding + OUTLOOK_STREAM + bytes(512)
    form = draw(st.sampled_from(sorted(SIGNATURES)))
    tail = draw(st.binary(min_size=0, max_size=600))
    return form, draw(names) + ".bin", draw(st.sampled_from(SIGNATURES[form])) + tail


def _refused(error: GaipError, form: str) -> None:
    assert error.code == "E_ARCHIVE_FORMAT", error
    assert form in error.text and containers.ADVICE.get(form, "解压") in error.text


@settings(max_examples=60, deadline=None)
@given(drawn=containers_drawn())
def test_a_container_is_named_with_what_to_do(drawn: tuple[str, str, bytes], tmp_path_factory: pytest.TempPathFactory
                                              ) -> None:
    """validate (``load_report``), import, the service and bulk's worker all name the container; a mail is never
    imported."""
    form, name, data = drawn
    folder = tmp_path_factory.mktemp("container")
    path = folder / name
    path.write_bytes(data)
    assert containers.container_form(data) == form
    with pytest.raises(GaipError) as raised:
        load_report(path)
    _refused(raised.value, form)
    with pytest.raises(GaipError) as raised:  # gaip-xl import
        import_report(path)
    _refused(raised.value, form)
    uploaded = check_file(path, name)  # the service
    assert uploaded.error is not None and uploaded.error["code"] == "E_ARCHIVE_FORMAT", uploaded.error
    assert form in uploaded.error["message"]
    _, summary, detail = process(Job(name, "k", path.suffix.lower(), data, str(folder / "out.json"), "out.json"))
    assert summary["status"] == "unreadable" and summary["code"] == "E_ARCHIVE_FORMAT"
    assert form in summary["message"]
    assert [row["rule"] for row in json.loads(detail)["findings"]] == ["E_ARCHIVE_FORMAT"]


def test_a_zip_given_where_one_report_is_read_says_so(tmp_path: Path) -> None:
    path = tmp_path / "乡镇报送.zip"
    path.write_bytes(_zip(sorted(MEMBERS)))
    with pytest.raises(GaipError) as raised:
        load_report(path)
    _refused(raised.value, containers.NAMED_ZIP)
    assert "gaip-xl bulk" in raised.value.text


def _documents() -> list[Path]:
    found = [*ROOT.glob("examples/**/*.xlsx"), *ROOT.glob("examples/*.json"), *ROOT.glob("tests/documents/*"),
             *ROOT.glob("tests/corpus/*.xls*"), *ROOT.glob("templates/*.xlsx")]
    return sorted(p for p in found if p.is_file())


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_no_report_workbook_or_document_is_taken_for_a_container(path: Path) -> None:
    assert containers.container_form(path.read_bytes(), path.suffix) is None


def _real_program_outputs(folder: Path) -> dict[str, str]:
    """Archives written by the programs offices' machines run (those installed here), by file name → form."""
    source = folder / "src"
    source.mkdir()
    for name, data in MEMBERS.items():
        (source / name).write_bytes(data)
    made = {}
    runs = {"tar": (["tar", "-cf", str(folder / "a.tar"), "-C", str(source), "."], "a.tar", containers.TAR),
            "gzip": (["tar", "-czf", str(folder / "a.tar.gz"), "-C", str(source), "."], "a.tar.gz", containers.GZIP),
            "bzip2": (["tar", "-cjf", str(folder / "a.tbz2"), "-C", str(source), "."], "a.tbz2", containers.BZIP2),
            "xz": (["tar", "-cJf", str(folder / "a.txz"), "-C", str(source), "."], "a.txz", containers.XZ),
            "zstd": (["zstd", "-q", "-o", str(folder / "a.xlsx.zst"), str(source / "年报.xlsx")], "a.xlsx.zst",
                     containers.ZSTD),
            "zip": (["zip", "-q", "-r", str(folder / "a.zipx"), "."], "a.zipx", containers.ZIP)}
    for program, (command, name, form) in runs.items():
        if shutil.which(program) and shutil.which(command[0]):
            subprocess.run(command, check=True, cwd=source)
            made[name] = form
    return made


def test_archives_real_programs_wrote_are_rows_that_name_them(tmp_path: Path) -> None:
    """tar, gzip, bzip2, xz, zstd and zip as installed, through a whole bulk run: one row each, named."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    made = _real_program_outputs(inbox)
    shutil.rmtree(inbox / "src")
    if not made:
        pytest.skip("no archiver installed")
    (inbox / "转发.eml").write_bytes(_mail(["年报.xlsx"], "附件是政府信息公开工作年度报告", smtp=True))
    made["转发.eml"] = containers.MAIL
    result = run_bulk(inbox, tmp_path / "out", jobs=1)
    rows = {row["file"]: row for row in result.files}
    assert set(rows) == set(made)
    for name, form in made.items():
        assert rows[name]["code"] == "E_ARCHIVE_FORMAT" and form in rows[name]["message"], rows[name]


@settings(max_examples=30, deadline=None)
@given(drawn=containers_drawn().filter(lambda drawn: drawn[0] != containers.ZIP))
def test_a_container_renamed_as_a_workbook_is_named_too(drawn: tuple[str, str, bytes],
                                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    """Renamed .xlsx (a form that takes only .xlsx): the workbook reader names the container, not "不是工作簿"."""
    form, _, data = drawn
    path = tmp_path_factory.mktemp("renamed") / "年报.xlsx"
    path.write_bytes(data)
    with pytest.raises(GaipError) as raised:
        load_report(path)
    _refused(raised.value, form)


def test_a_word_document_holding_an_outlook_item_is_no_mail() -> None:
    """A .doc with a mail embedded has the Outlook streams too: its WordDocument stream says it is a document."""
    document = OLE2_MAGIC + bytes(600) + "WordDocument".encode("utf-16-le") + bytes(100) + OUTLOOK_STREAM + bytes(512)
    assert containers.container_form(document) is None
