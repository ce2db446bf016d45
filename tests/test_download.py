"""`divide download`: the network is faked everywhere; no test touches it."""

from __future__ import annotations

import hashlib
import io
import json
import urllib.error
import urllib.request
import zipfile

import pytest

from divide.build import download as dl
from divide.cli import main
from divide.errors import DivideError

FS_API = dl.DATAGOUV_API.format(slug=dl.REMOTES["france_services"].dataset)
LM_API = dl.DATAGOUV_API.format(slug=dl.REMOTES["lieux_mediation"].dataset)
FS_CSV = "https://static.data.gouv.fr/resources/france-services/liste-fs-2025.csv"
LM_CSV = "https://static.data.gouv.fr/resources/lieux/lieux-de-mediation.csv"


def api(*resources: dict) -> bytes:
    return json.dumps({"slug": "x", "resources": list(resources)}).encode()


ANSWERS = {
    dl.ARCEP_URL: b"code_insee;nbr\n01001;10\n",
    dl.FILOSOFI_URL: b"CODGEO;MED21\n01001;25820\n",
    FS_API: api(
        {
            "url": "https://x/old.csv",
            "format": "csv",
            "type": "main",
            "last_modified": "2023-01-01T00:00:00",
        },
        {
            "url": FS_CSV,
            "format": "CSV",
            "type": "main",
            "id": "fs-1",
            "title": "liste-fs-2025.csv",
            "last_modified": "2025-03-01T00:00:00",
        },
        {
            "url": "https://x/doc.pdf",
            "format": "pdf",
            "type": "documentation",
            "last_modified": "2026-01-01T00:00:00",
        },
        {
            "url": "https://x/newer.csv",
            "format": "csv",
            "type": "update",
            "last_modified": "2026-01-01T00:00:00",
        },
    ),
    FS_CSV: b"id_fs,lib_fs\n1,France Services de test\n",
    LM_API: api({"url": LM_CSV, "format": "csv", "type": "main", "id": "lm-1"}),
    LM_CSV: b"id,nom\n1,Lieu\n",
}


class FakeWeb:
    """A fetch function answering from a dict; records the URLs asked for."""

    def __init__(
        self, answers: dict[str, bytes], errors: dict[str, Exception] | None = None
    ):
        self.answers = answers
        self.errors = errors or {}
        self.asked: list[str] = []

    def __call__(self, url: str, *, timeout: float) -> bytes:
        self.asked.append(url)
        assert timeout > 0
        if url in self.errors:
            raise self.errors[url]
        if url not in self.answers:
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)
        return self.answers[url]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any real network access fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def manifest(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_success_writes_files_and_manifest(tmp_path):
    web = FakeWeb(ANSWERS)
    lines = list(dl.download(tmp_path, fetch=web))
    files = manifest(tmp_path)["files"]
    assert set(files) == set(dl.REMOTES)
    expected = {
        "arcep_fixed": dl.ARCEP_URL,
        "insee_filosofi": dl.FILOSOFI_URL,
        "france_services": FS_CSV,  # the main CSV resource, newest first
        "lieux_mediation": LM_CSV,
    }
    for source_id, url in expected.items():
        entry = files[source_id]
        content = (tmp_path / entry["file"]).read_bytes()
        assert content == ANSWERS[url]
        assert entry["url"] == url
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert entry["fetched"].endswith("+00:00")
    assert files["france_services"]["resource"]["id"] == "fs-1"
    assert files["france_services"]["dataset_api"] == FS_API
    assert "4 of 4 file(s) fetched" in "\n".join(lines)
    assert "divide build" in lines[-1]
    assert not list(tmp_path.glob("*.part"))


def test_offline(tmp_path):
    errors = {url: urllib.error.URLError("no route to host") for url in ANSWERS}
    errors[dl.FILOSOFI_URL] = TimeoutError("timed out")
    lines = list(dl.download(tmp_path, fetch=FakeWeb(ANSWERS, errors)))
    text = "\n".join(lines)
    for host in ("data.arcep.fr", "www.data.gouv.fr", "www.insee.fr"):
        assert (
            f"offline: could not reach {host} — the embedded atlas stays in use" in text
        )
    assert "0 of 4 file(s) fetched" in text
    assert "Traceback" not in text
    assert not (tmp_path / "manifest.json").exists()


def test_http_error_and_partial_failure(tmp_path):
    errors = {
        dl.ARCEP_URL: urllib.error.HTTPError(dl.ARCEP_URL, 503, "Busy", None, None)
    }
    lines = list(dl.download(tmp_path, fetch=FakeWeb(ANSWERS, errors)))
    text = "\n".join(lines)
    assert "arcep_fixed: error: data.arcep.fr answered HTTP 503" in text
    assert "3 of 4 file(s) fetched" in text
    files = manifest(tmp_path)["files"]
    assert set(files) == {"france_services", "insee_filosofi", "lieux_mediation"}
    assert not (tmp_path / "arcep_commune_debit.csv").exists()


def test_a_later_failure_keeps_the_earlier_file(tmp_path):
    list(dl.download(tmp_path, sources=["arcep_fixed"], fetch=FakeWeb(ANSWERS)))
    before = manifest(tmp_path)["files"]["arcep_fixed"]
    errors = {dl.ARCEP_URL: urllib.error.URLError("down")}
    lines = list(
        dl.download(
            tmp_path,
            sources=["arcep_fixed", "insee_filosofi"],
            fetch=FakeWeb(ANSWERS, errors),
        )
    )
    assert "offline: could not reach data.arcep.fr" in "\n".join(lines)
    files = manifest(tmp_path)["files"]
    assert files["arcep_fixed"] == before
    assert (tmp_path / "arcep_commune_debit.csv").read_bytes() == ANSWERS[dl.ARCEP_URL]
    assert "insee_filosofi" in files


def test_only_the_sources_asked_for(tmp_path):
    web = FakeWeb(ANSWERS)
    list(dl.download(tmp_path, sources=["insee_filosofi"], fetch=web))
    assert web.asked == [dl.FILOSOFI_URL]
    with pytest.raises(DivideError, match="Did you mean: arcep_fixed"):
        list(dl.download(tmp_path, sources=["arcep_fix"], fetch=web))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"<html>maintenance</html>", "unexpected answer from the data.gouv.fr API"),
        (api({"url": "https://x/a.pdf", "format": "pdf"}), "has no CSV resource"),
        (b'{"resources": "none"}', "unexpected answer"),
    ],
)
def test_bad_dataset_answers(tmp_path, answer, message):
    web = FakeWeb({**ANSWERS, FS_API: answer})
    lines = list(dl.download(tmp_path, sources=["france_services"], fetch=web))
    assert message in lines[1]
    assert "0 of 1" in lines[-1]


def test_zip_answer_is_unpacked(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("base/cc_filosofi_2021_COM.csv", b"CODGEO\n01001\n")
        archive.writestr("meta.csv", b"x\n")
    web = FakeWeb({dl.FILOSOFI_URL: out.getvalue()})
    list(dl.download(tmp_path, sources=["insee_filosofi"], fetch=web))
    assert (tmp_path / "cc_filosofi_2021_COM.csv").read_bytes() == b"CODGEO\n01001\n"
    damaged = FakeWeb({dl.FILOSOFI_URL: b"PK\x03\x04" + b"\x00" * 50})
    lines = list(dl.download(tmp_path, sources=["insee_filosofi"], fetch=damaged))
    assert "damaged" in lines[1]


def test_unreadable_manifest_is_replaced(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    lines = list(dl.download(tmp_path, sources=["arcep_fixed"], fetch=FakeWeb(ANSWERS)))
    assert "unreadable" in lines[1]
    assert set(manifest(tmp_path)["files"]) == {"arcep_fixed"}


def test_urllib_fetch_refuses_plain_http():
    with pytest.raises(DivideError, match="non-https"):
        dl.urllib_fetch("http://data.arcep.fr/x.csv")


def test_urllib_fetch_caps_the_size(monkeypatch):
    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        assert request.get_header("User-agent").startswith("divide")
        return Answer(b"x" * 3000)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    assert dl.urllib_fetch("https://x/y.csv", max_bytes=5000) == b"x" * 3000
    with pytest.raises(DivideError, match="larger than"):
        dl.urllib_fetch("https://x/y.csv", max_bytes=1000)


def test_cli_download_offline(tmp_path, monkeypatch, capsys):
    def urlopen(request, timeout):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    assert main(["download", "--dest", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "offline: could not reach data.arcep.fr" in captured.out
    assert captured.err == ""


# ----------------------------------------------- ARCEP quarterly statistics (issue 14)


def test_arcep_quarter_url_pattern():
    assert dl.arcep_quarter_url("2025_T1") == (
        "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/2025_T1/"
        "commune/commune_debit.csv"
    )
    best = dl.arcep_quarter_url("2024_T4", "commune_meilleure_techno_thd.csv")
    assert best.endswith("/2024_T4/commune/commune_meilleure_techno_thd.csv")
    for bad in ("2025-T1", "2025_T5", "last", "../x"):
        with pytest.raises(DivideError, match="YYYY_Tn"):
            dl.arcep_quarter_url(bad)


def test_arcep_quarters_land_where_the_build_reads_them(tmp_path, fixtures):
    from divide.build.readers.broadband import statistics_vintages
    from divide.build.sources import ARCEP_STATISTICS

    debit = (fixtures / "arcep_statistiques").rglob("commune_debit.csv")
    content = next(iter(sorted(debit))).read_bytes()
    answers = {
        dl.arcep_quarter_url("2024_T4"): content,
        dl.arcep_quarter_url("2025_T1"): content,
    }
    errors = {
        dl.arcep_quarter_url("2023_T2"): urllib.error.URLError("no route to host")
    }
    web = FakeWeb(answers, errors)
    lines = list(
        dl.download_arcep_quarters(
            tmp_path, ["2024_T4", "2025_T1", "2023_T2"], fetch=web
        )
    )
    text = "\n".join(lines)
    found = statistics_vintages(tmp_path / ARCEP_STATISTICS)
    assert [date for date, _ in found] == ["2024-12-31", "2025-03-31"]
    for _, folder in found:
        assert (folder / "commune_debit.csv").read_bytes() == content
    # The optional best-technology file is missing (HTTP 404): said, not fatal.
    assert (
        "commune_meilleure_techno_thd.csv: error: data.arcep.fr answered HTTP 404"
        in text
    )
    assert "2023_T2 commune_debit.csv: offline: could not reach data.arcep.fr" in text
    assert dl.arcep_quarter_url("2023_T2", "commune_meilleure_techno_thd.csv") not in (
        web.asked
    )
    assert lines[-1].startswith("2 of 3 ARCEP quarter(s) fetched")


def test_cli_arcep_quarter_refuses_a_bad_name(tmp_path, capsys):
    code = main(["download", "--arcep-quarter", "2025-1", "--raw", str(tmp_path)])
    out = capsys.readouterr()
    assert code != 0
    assert "YYYY_Tn" in out.out + out.err
