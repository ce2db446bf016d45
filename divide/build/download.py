"""Fetch the current official files behind the atlas into a local folder.

The atlas ships with the vintages it was built from (see
``divide/registry/sources.yaml``). ``divide download --dest DIR`` fetches the
publishers' current files from their official addresses so that they can be
compared with the atlas (:func:`divide.uploads.compare_refresh` for ARCEP) or
used for a rebuild:

================  ===========================================================
``arcep_fixed``   ARCEP "Ma connexion internet", statistics per commune, last
                  quarter (data.arcep.fr). Copied as ``commune_debit.csv`` into
                  ``raw/broadband/arcep_statistiques/<YYYY_Tn>/commune/``, it is
                  read by ``divide build`` as a dated point of the series.
``france_services``  ANCT list of France Services (data.gouv.fr dataset
                  ``liste-des-structures-france-services``, CSV resource).
``insee_filosofi``   INSEE Filosofi 2021 per commune (the address named in
                  ``shared/data/PROVENANCE.md``).
``lieux_mediation``  National "lieux de médiation numérique" from data·inclusion
                  (data.gouv.fr dataset, CSV resource).
================  ===========================================================

Files of a data.gouv.fr dataset are found through its API
(``https://www.data.gouv.fr/api/1/datasets/<slug>/``): the CSV resource, the
"main" one first, the most recently modified first.

Each file is written next to a ``manifest.json`` recording, per source, the URL,
the time it was fetched (UTC), its SHA-256 and size. A source that cannot be
reached gives one plain line (``offline: could not reach <host> — the embedded
atlas stays in use``) and the others are still fetched; a file fetched earlier
stays, with its manifest entry, when a later fetch fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import io
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from divide.build.readers.broadband import QUARTER
from divide.errors import DivideError, unknown

__all__ = [
    "REMOTES",
    "Remote",
    "arcep_quarter_url",
    "download",
    "download_arcep_quarters",
    "urllib_fetch",
]

ARCEP_URL = (
    "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/last/commune/"
    "commune_debit.csv"
)
#: ARCEP's archive of one quarter: ``quarter`` is ``YYYY_Tn`` (``2025_T1``).
ARCEP_QUARTER_URL = (
    "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/{quarter}/commune/"
    "{name}"
)
#: The commune files of a quarter that ``divide build`` reads.
ARCEP_QUARTER_FILES = ("commune_debit.csv", "commune_meilleure_techno_thd.csv")
FILOSOFI_URL = (
    "https://www.insee.fr/fr/statistiques/fichier/8229323/cc_filosofi_2021_COM.csv"
)
DATAGOUV_API = "https://www.data.gouv.fr/api/1/datasets/{slug}/"
#: Seconds to wait for a server.
TIMEOUT = 60.0
#: Largest file accepted from a server, in bytes.
MAX_DOWNLOAD = 500 * 1024 * 1024
USER_AGENT = "divide (open atlas of the digital divide; +https://www.data.gouv.fr)"

#: A fetch function: URL and timeout in, bytes out; raises urllib's errors.
Fetch = Callable[..., bytes]


@dataclass(frozen=True)
class Remote:
    """An official file: where it lives and the name it gets locally.

    Attributes
    ----------
    id : str
        Key used on the command line and in the manifest.
    title : str
        What the file is.
    filename : str
        Name of the local copy in the destination folder.
    url : str, optional
        Direct address of the file.
    dataset : str, optional
        data.gouv.fr dataset slug; the file is the dataset's CSV resource.
    member : str, optional
        When the server answers with a zip archive, the member to extract.
    """

    id: str
    title: str
    filename: str
    url: str | None = None
    dataset: str | None = None
    member: str | None = None


REMOTES: dict[str, Remote] = {
    remote.id: remote
    for remote in (
        Remote(
            "arcep_fixed",
            "ARCEP — Ma connexion internet, statistiques par commune (dernier "
            "trimestre)",
            "arcep_commune_debit.csv",
            url=ARCEP_URL,
        ),
        Remote(
            "france_services",
            "ANCT — Liste des structures France Services",
            "anct_france_services.csv",
            dataset="liste-des-structures-france-services",
        ),
        Remote(
            "insee_filosofi",
            "INSEE — Filosofi 2021, revenus et pauvreté par commune",
            "cc_filosofi_2021_COM.csv",
            url=FILOSOFI_URL,
            member="cc_filosofi_2021_COM.csv",
        ),
        Remote(
            "lieux_mediation",
            "Lieux de médiation numérique sur le territoire national (data·inclusion)",
            "lieux_mediation_numerique.csv",
            dataset=(
                "lieux-de-mediation-numerique-sur-le-territoire-national-fournis-par-"
                "data-inclusion-1"
            ),
        ),
    )
}


class _TooLarge(DivideError):
    """The server sent more than :data:`MAX_DOWNLOAD` bytes."""


def urllib_fetch(
    url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_DOWNLOAD
) -> bytes:
    """Fetch a URL with the standard library.

    Parameters
    ----------
    url : str
        An ``https://`` address.
    timeout : float
        Seconds to wait for the server.
    max_bytes : int
        Refuse larger answers.

    Returns
    -------
    bytes
        The body of the answer.

    Raises
    ------
    urllib.error.HTTPError
        The server answered with an error status.
    urllib.error.URLError, TimeoutError, OSError
        The server could not be reached.
    DivideError
        Not an https URL, or the answer is larger than ``max_bytes``.
    """
    if urllib.parse.urlsplit(url).scheme != "https":
        raise DivideError(f"refusing to fetch a non-https URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        chunks, size = [], 0
        while chunk := answer.read(1024 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise _TooLarge(
                    f"{url} is larger than {max_bytes // 1024 // 1024} MB: refused"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def download(
    dest: str | Path,
    *,
    sources: Iterable[str] | None = None,
    fetch: Fetch = urllib_fetch,
    timeout: float = TIMEOUT,
) -> Iterator[str]:
    """Fetch the current official files into ``dest``, yielding progress lines.

    Parameters
    ----------
    dest : str or Path
        Folder for the files and ``manifest.json`` (created if needed).
    sources : iterable of str, optional
        Ids of :data:`REMOTES` to fetch (default: all).
    fetch : callable
        ``fetch(url, timeout=...) -> bytes``; raises ``urllib.error.HTTPError``
        for an error status and ``urllib.error.URLError`` / ``TimeoutError`` /
        ``OSError`` when the host cannot be reached. Tests pass a fake.
    timeout : float
        Seconds to wait for each server.

    Yields
    ------
    str
        One plain line per step: a file written (size, path, checksum), a host
        that could not be reached (``offline: could not reach <host> — the
        embedded atlas stays in use``), an HTTP error; then a summary and how
        to use the files.

    Raises
    ------
    DivideError
        An unknown source id, or ``dest`` cannot be created.
    """
    wanted = list(REMOTES) if sources is None else list(sources)
    for source_id in wanted:
        if source_id not in REMOTES:
            raise unknown("source", source_id, REMOTES)
    folder = Path(dest)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DivideError(f"cannot create the folder {folder}: {exc}") from None
    manifest_path = folder / "manifest.json"
    manifest, warning = _read_manifest(manifest_path)
    yield f"Fetching {len(wanted)} official file(s) into {folder}"
    if warning:
        yield warning
    fetched = 0
    for source_id in wanted:
        remote = REMOTES[source_id]
        url = remote.url or DATAGOUV_API.format(slug=remote.dataset)
        try:
            resource = None
            if remote.dataset:
                api = _fetch(fetch, url, source_id, timeout)
                resource = _pick_resource(remote, api)
                url = resource["url"]
            content = _unzip(_fetch(fetch, url, source_id, timeout), remote)
            path = folder / remote.filename
            _write(path, content)
        except _Skipped as exc:
            yield str(exc)
            continue
        except DivideError as exc:
            yield f"  {source_id}: error: {exc} — skipped"
            continue
        except OSError as exc:
            yield f"  {source_id}: error: cannot write the file ({exc}) — skipped"
            continue
        entry = {
            "title": remote.title,
            "url": url,
            "file": remote.filename,
            "fetched": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(content).hexdigest(),
            "bytes": len(content),
        }
        if resource is not None:
            entry["dataset_api"] = DATAGOUV_API.format(slug=remote.dataset)
            entry["resource"] = {
                k: resource.get(k) for k in ("id", "title", "last_modified")
            }
        manifest["files"][source_id] = entry
        _write(manifest_path, _dump(manifest))
        fetched += 1
        yield (
            f"  {source_id}: {_size(len(content))} → {path} "
            f"(sha256 {entry['sha256'][:12]}…)"
        )
    if fetched:
        yield f"{fetched} of {len(wanted)} file(s) fetched; manifest: {manifest_path}"
        yield (
            "Next: compare the ARCEP file with the atlas (upload it on the app's "
            "'your data' page), or rebuild the atlas with `divide build --raw RAW "
            "--out data/atlas` after putting each file where "
            "divide/registry/sources.yaml expects it (names and vintages differ "
            "from the embedded ones)."
        )
    else:
        yield f"0 of {len(wanted)} file(s) fetched: the embedded atlas stays in use."


class _Skipped(Exception):
    """A file that could not be fetched; ``str()`` is the line saying why."""


#: Could not reach the server: no network, a timeout, a broken answer.
OFFLINE = (OSError, http.client.HTTPException)


def _fetch(fetch: Fetch, url: str, label: str, timeout: float) -> bytes:
    """Fetch ``url``; else raise :class:`_Skipped` with the line naming ``label``.

    An error status, an unreachable server and a refused answer (not https, too
    large) each give one plain line; the embedded atlas stays in use.
    """
    try:
        return fetch(url, timeout=timeout)
    except urllib.error.HTTPError as exc:
        why = (
            f"error: {_host(url)} answered HTTP {exc.code} ({exc.reason}) for {url} "
            "— skipped; the embedded atlas stays in use"
        )
    except OFFLINE:
        why = f"offline: could not reach {_host(url)} — the embedded atlas stays in use"
    except DivideError as exc:
        why = f"error: {exc} — skipped"
    raise _Skipped(f"  {label}: {why}")


def _pick_resource(remote: Remote, raw: bytes) -> dict:
    """The CSV resource of a data.gouv.fr dataset (main first, newest first).

    ``raw`` is the answer of the data.gouv.fr API for the dataset.
    """
    try:
        meta = json.loads(raw.decode("utf-8"))
        resources = meta["resources"]
        if not isinstance(resources, list):
            raise TypeError
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise DivideError(
            f"unexpected answer from the data.gouv.fr API for '{remote.dataset}'"
        ) from None

    def is_csv(resource: dict) -> bool:
        fmt = str(resource.get("format") or "").lower()
        path = urllib.parse.urlsplit(str(resource.get("url") or "")).path.lower()
        return fmt == "csv" or path.endswith(".csv")

    candidates = [r for r in resources if isinstance(r, dict) and r.get("url")]
    candidates = [r for r in candidates if is_csv(r)]
    if not candidates:
        raise DivideError(f"the dataset '{remote.dataset}' has no CSV resource")
    candidates.sort(
        key=lambda r: (r.get("type") == "main", str(r.get("last_modified") or "")),
        reverse=True,
    )
    return candidates[0]


def _unzip(content: bytes, remote: Remote) -> bytes:
    """The wanted member when the server sent a zip archive."""
    if not (remote.member and content[:4] == b"PK\x03\x04"):
        return content
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = {Path(n).name: n for n in archive.namelist()}
            if remote.member not in names:
                raise DivideError(
                    f"the archive has no {remote.member} (found: "
                    f"{', '.join(sorted(names)[:5])})"
                )
            info = archive.getinfo(names[remote.member])
            if info.file_size > MAX_DOWNLOAD:
                raise DivideError(f"{remote.member} is too large once unpacked")
            return archive.read(info)
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise DivideError(f"the archive sent for {remote.id} is damaged") from None


def _write(path: Path, content: bytes) -> None:
    """Write through a temporary file so a failed fetch never leaves half a file."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(content)
    os.replace(part, path)


def _read_manifest(path: Path) -> tuple[dict, str | None]:
    empty = {"generated_by": "divide download", "files": {}}
    if not path.exists():
        return empty, None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest.get("files"), dict):
            raise ValueError
    except (OSError, ValueError, AttributeError):
        return empty, f"  (the existing {path.name} was unreadable and is replaced)"
    return manifest, None


def _dump(manifest: dict) -> bytes:
    text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True)
    return (text + "\n").encode("utf-8")


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def arcep_quarter_url(quarter: str, name: str = "commune_debit.csv") -> str:
    """The official address of one ARCEP quarterly commune file.

    ``quarter`` is ``YYYY_Tn`` (``"2025_T1"``); anything else is refused.
    """
    if not re.fullmatch(QUARTER, str(quarter)):
        raise DivideError(
            f"'{quarter}' is not an ARCEP quarter: write it YYYY_Tn, e.g. 2025_T1"
        )
    if name not in ARCEP_QUARTER_FILES:
        raise unknown("ARCEP commune file", name, ARCEP_QUARTER_FILES)
    return ARCEP_QUARTER_URL.format(quarter=quarter, name=name)


def download_arcep_quarters(
    raw: str | Path,
    quarters: Iterable[str],
    *,
    fetch: Fetch = urllib_fetch,
    timeout: float = TIMEOUT,
) -> Iterator[str]:
    """Fetch ARCEP quarterly commune statistics where ``divide build`` reads them.

    Each quarter's files (:data:`ARCEP_QUARTER_FILES`) are written to
    ``<raw>/broadband/arcep_statistiques/<YYYY_Tn>/commune/``; the build then adds
    them as dated points of the fixed-broadband series. A quarter whose
    ``commune_debit.csv`` cannot be fetched is skipped with one plain line; the
    best-technology file is optional.

    Yields
    ------
    str
        One line per file written or skipped, then a summary.
    """
    quarters = list(quarters)
    for quarter in quarters:
        arcep_quarter_url(quarter)  # refuses a bad name before fetching anything
    base = Path(raw) / "broadband" / "arcep_statistiques"
    done = 0
    for quarter in quarters:
        folder = base / quarter / "commune"
        for name in ARCEP_QUARTER_FILES:
            url = arcep_quarter_url(quarter, name)
            try:
                content = _fetch(fetch, url, f"{quarter} {name}", timeout)
                folder.mkdir(parents=True, exist_ok=True)
                _write(folder / name, content)
            except (_Skipped, OSError) as exc:
                yield (
                    str(exc)
                    if isinstance(exc, _Skipped)
                    else f"  {quarter} {name}: error: cannot write the file ({exc}) "
                    "— skipped"
                )
                if name == "commune_debit.csv":
                    break
                continue
            if name == "commune_debit.csv":
                done += 1
            yield f"  {quarter} {name}: {_size(len(content))} → {folder / name}"
    rebuild = f"; rebuild with `divide build --raw {raw} --out data/atlas`"
    yield f"{done} of {len(quarters)} ARCEP quarter(s) fetched into {base}" + (
        rebuild if done else ""
    )
