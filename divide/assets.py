"""Leaflet's JavaScript and CSS served locally, so maps draw with no internet.

``divide assets`` fetches the packages from the npm registry with ``npm pack`` (the
ordinary client) into the git-ignored ``static/vendor/`` folder, which Streamlit
serves at ``/app/static/vendor/``. Without them, maps fall back to the public CDN
that folium uses by default (and need internet).
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from divide.errors import DivideError

REPO_ROOT = Path(__file__).resolve().parents[1]
VENDOR = REPO_ROOT / "static" / "vendor"
URL_PREFIX = "/app/static/vendor"
PACKAGES = {
    "leaflet@1.9.4": {
        "package/dist/leaflet.js": "leaflet.js",
        "package/dist/leaflet.css": "leaflet.css",
        "package/dist/images/layers.png": "images/layers.png",
        "package/dist/images/layers-2x.png": "images/layers-2x.png",
        "package/dist/images/marker-icon.png": "images/marker-icon.png",
        "package/dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
        "package/dist/images/marker-shadow.png": "images/marker-shadow.png",
    },
    "leaflet.markercluster@1.5.3": {
        "package/dist/leaflet.markercluster.js": "leaflet.markercluster.js",
        "package/dist/MarkerCluster.css": "MarkerCluster.css",
        "package/dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
    },
}
CDN = {
    "leaflet.js": "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
    "leaflet.css": "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css",
    "leaflet.markercluster.js": "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/leaflet.markercluster.js",
    "MarkerCluster.css": "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/MarkerCluster.css",
    "MarkerCluster.Default.css": "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/MarkerCluster.Default.css",
}


def available() -> bool:
    """True when every vendored file is present."""
    return all((VENDOR / name).exists() for name in CDN)


def url(name: str) -> str:
    """URL of an asset: local when vendored, else the CDN."""
    return f"{URL_PREFIX}/{name}" if available() else CDN[name]


def fetch(target: Path = VENDOR) -> list[Path]:
    """Download the assets with ``npm pack`` into ``target``."""
    npm = shutil.which("npm")
    if npm is None:
        raise DivideError(
            "npm is not installed: maps will use the online CDN. Install Node.js "
            "and npm, then run `divide assets` again."
        )
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            done = subprocess.run(
                [npm, "pack", spec, "--silent"],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise DivideError(
                    f"`npm pack {spec}` failed (offline?): {done.stderr.strip()[:200]}"
                )
            archive = Path(tmp) / done.stdout.strip().splitlines()[-1]
            with tarfile.open(archive) as tar:
                for member, name in files.items():
                    data = tar.extractfile(member)
                    if data is None:
                        raise DivideError(f"{spec} has no {member}")
                    (target / name).parent.mkdir(parents=True, exist_ok=True)
                    (target / name).write_bytes(data.read())
                    written.append(target / name)
    return written
