"""Downloads: get the current file of a public source from its publisher.

Each :class:`Fetcher` knows where its publisher serves the data and how to turn what the
server sends into a file an adapter reads (a paged JSON API becomes one CSV, a zip becomes the
CSV inside). The download rules are the same for every source, because a bad download must
never look like a good file to the ingest step that runs after it:

* everything is written to a hidden temporary file next to the target (``.<name>.part``,
  which a folder ingest passes over) and renamed into place only when complete, so an
  interrupted or failed download never leaves half a file;
* every request names FlankWatch in its User-Agent, carries the timeout, and is retried a few
  times with backoff on 5xx, 429, timeouts and dropped connections;
* a failure is a :class:`FetchError` (a :class:`~flankwatch.errors.FlankWatchError`) naming
  the URL and the HTTP status;
* the body is checked for the kind of file expected (gzip, zip, XML, xlsx...), because
  publishers serve HTML error pages with status 200.

This module defines no ``ADAPTERS``: it reads nothing into the store.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, ClassVar, TypeVar
from urllib.parse import urljoin

import httpx

from flankwatch.errors import ConfigurationError, FlankWatchError

log = logging.getLogger(__name__)

try:
    _VERSION = metadata.version("flankwatch")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "dev"

#: Sent with every request: publishers ask automated clients to say who they are.
USER_AGENT = (
    f"FlankWatch/{_VERSION} (open-source early-warning system; "
    f"python-httpx/{httpx.__version__})"
)
#: Seconds to wait before each retry; one retry per entry. Tests set it to zeros.
RETRY_DELAYS_S: tuple[float, ...] = (1.0, 3.0, 9.0)
#: Statuses worth retrying: the server is overloaded or restarting, not refusing.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: The longest Retry-After a server may impose before we give up waiting on it.
_MAX_RETRY_AFTER_S = 60.0
_CHUNK = 1 << 20

T = TypeVar("T")


class FetchError(FlankWatchError):
    """A download failed: the message names the URL, the HTTP status when there is one, and
    the reason."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        where = f"HTTP {status}: " if status is not None else ""
        super().__init__(f"download of {url} failed: {where}{reason}")


def _today() -> str:
    """The UTC date stamped into names of files whose publisher name carries no date, so
    successive downloads are kept side by side instead of overwriting each other."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


@contextlib.contextmanager
def atomic_file(dest: Path, mode: str = "wb",
                verify: Callable[[Path], None] | None = None) -> Iterator[IO[Any]]:
    """Write ``dest`` through a hidden temporary file renamed into place on success.

    ``verify`` sees the finished temporary file before the rename and raises to refuse it.
    On any exception only the temporary file could remain, and it is removed; after a kill
    it stays, but its name starts with a dot, so a folder ingest passes over it.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        if "b" in mode:
            f: IO[Any] = os.fdopen(fd, mode)
        else:
            f = os.fdopen(fd, mode, encoding="utf-8", newline="")
        with f:
            yield f
        if verify is not None:
            verify(tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class Http:
    """The download session of one fetch: User-Agent, timeout, retries, atomic writes.

    It wraps a caller's :class:`httpx.Client` (tests pass one on a ``MockTransport``), so the
    User-Agent and timeout are sent with each request rather than set on the client.
    """

    def __init__(self, client: httpx.Client, timeout_s: float) -> None:
        self.client = client
        self.timeout = httpx.Timeout(timeout_s)

    def _send(self, url: str, headers: Mapping[str, str] | None,
              consume: Callable[[httpx.Response], T]) -> T:
        """GET ``url`` and hand the open (streaming) response to ``consume``, retrying
        transient failures. ``consume`` runs again from scratch on a retry."""
        hdrs = {"User-Agent": USER_AGENT, **(headers or {})}
        delays = (*RETRY_DELAYS_S, None)
        for attempt, delay in enumerate(delays, start=1):
            try:
                with self.client.stream("GET", url, headers=hdrs, timeout=self.timeout,
                                        follow_redirects=True) as resp:
                    status = resp.status_code
                    if status in RETRY_STATUS and delay is not None:
                        wait = _retry_after(resp, delay)
                        log.warning("%s: HTTP %s, retry %d in %.0f s", url, status, attempt,
                                    wait)
                    elif status >= 400:
                        tries = f" after {attempt} attempts" if attempt > 1 else ""
                        raise FetchError(url, f"{resp.reason_phrase or 'error'}{tries}", status)
                    else:
                        return consume(resp)
            except (httpx.TimeoutException, httpx.NetworkError,
                    httpx.RemoteProtocolError) as exc:
                what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if delay is None:
                    raise FetchError(url, f"{what} (after {attempt} attempts)") from exc
                wait = delay
                log.warning("%s: %s, retry %d in %.0f s", url, what, attempt, wait)
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def text(self, url: str, headers: Mapping[str, str] | None = None) -> str:
        """A small text resource (a page, an index file) read into memory."""

        def consume(resp: httpx.Response) -> str:
            resp.read()
            return resp.text

        return self._send(url, headers, consume)

    def json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """A JSON document; a body that is not JSON is an error naming the URL."""
        body = self._send(url, headers, lambda r: r.read())
        try:
            return json.loads(body)
        except ValueError as exc:
            raise FetchError(url, f"the response is not JSON (starts {body[:60]!r})") \
                from exc

    def download(self, url: str, dest: Path, *, check: Callable[[bytes], str | None] | None
                 = None, verify: Callable[[Path], None] | None = None,
                 headers: Mapping[str, str] | None = None) -> Path:
        """Stream ``url`` into ``dest`` (atomically). ``check`` looks at the first bytes and
        returns why they are not the expected kind of file, or None; ``verify`` reads the
        whole finished file before it is renamed into place and raises to refuse it."""

        def consume(resp: httpx.Response) -> Path:
            with atomic_file(dest, verify=verify) as f:
                head = b""
                for chunk in resp.iter_bytes(_CHUNK):
                    if len(head) < 4096:
                        head += chunk[: 4096 - len(head)]
                    f.write(chunk)
                problem = check(head) if check is not None else None
                if problem:
                    raise FetchError(url, f"{problem} (starts {head[:60]!r})", resp.status_code)
            return dest

        return self._send(url, headers, consume)


def _retry_after(resp: httpx.Response, default: float) -> float:
    """Honour a numeric Retry-After (capped), else our own backoff step."""
    value = resp.headers.get("Retry-After", "")
    try:
        return min(max(float(value), default), _MAX_RETRY_AFTER_S)
    except ValueError:
        return default


# -- content checks: publishers answer errors with HTML pages and status 200 ------------------


def _is_gzip(head: bytes) -> str | None:
    return None if head.startswith(b"\x1f\x8b") else "not a gzip file"


def _is_zip(head: bytes) -> str | None:
    return None if head.startswith(b"PK") else "not a zip/xlsx file"


def _is_xml_list(head: bytes) -> str | None:
    return None if b"CONSOLIDATED_LIST" in head else "not the UN consolidated list XML"


def _is_geojson(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return None if text.startswith(b"{") and b"Feature" in head else "not GeoJSON"


def _is_csv(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<", b"{", b"[")) or b"<html" in text:
        return "an HTML/JSON page, not CSV"
    return None if b"," in text.split(b"\n", 1)[0] else "no CSV header line"


# -- fetchers ---------------------------------------------------------------------------------


class Fetcher(ABC):
    """How to get the current file of one source family from its publisher."""

    source: ClassVar[str]  # the family name adapters store (SourceMeta.source)
    title: ClassVar[str]
    #: The publisher's addresses this fetcher reads (for docs, the CLI and reviewers).
    urls: ClassVar[tuple[str, ...]]

    @abstractmethod
    def fetch(self, http: Http, out_dir: Path) -> Path:
        """Download into ``out_dir`` and return the path of the finished file."""


class UnScFetcher(Fetcher):
    source = "un_sc"
    title = "UN Security Council Consolidated List (XML)"
    urls = ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",)

    def fetch(self, http: Http, out_dir: Path) -> Path:
        dest = out_dir / f"un_sc_consolidated_{_today()}.xml"
        return http.download(self.urls[0], dest, check=_is_xml_list)


#: The UCDP GED API's columns, in the order of its CSV exports (the layout of
#: ``conflict/ucdp_ged_api_sudan_1989_2022.csv``), so the ucdp adapter reads the result.
UCDP_API_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best_est", "high_est", "low_est",
)


def _cell(value: object) -> str:
    """A JSON value as a CSV cell: null is empty; booleans as the API's CSV writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


class UcdpFetcher(Fetcher):
    """UCDP GED through its paged JSON API, written as one CSV in the API column layout.

    The GED version is ``FLANKWATCH_UCDP_VERSION`` when set; otherwise this year's and last
    year's stable releases (``26.1``, ``25.1``) are tried, newest first, because UCDP
    publishes a release each June and an unreleased version answers 4xx. The API wants an
    access token (``x-ucdp-access-token``) taken from ``FLANKWATCH_UCDP_TOKEN``.
    """

    source = "ucdp"
    title = "UCDP Georeferenced Event Dataset (API)"
    base = "https://ucdpapi.pcr.uu.se/api/gedevents/"
    urls = (base + "<version>?pagesize=1000&page=N",)
    page_size = 1000

    def versions(self) -> list[str]:
        chosen = os.environ.get("FLANKWATCH_UCDP_VERSION", "").strip()
        if chosen:
            return [chosen]
        yy = datetime.now(UTC).year - 2000
        return [f"{yy}.1", f"{yy - 1}.1"]

    def _page_url(self, version: str, page: int) -> str:
        return f"{self.base}{version}?pagesize={self.page_size}&page={page}"

    def fetch(self, http: Http, out_dir: Path) -> Path:
        token = os.environ.get("FLANKWATCH_UCDP_TOKEN", "").strip()
        headers = {"Accept": "application/json"}
        if token:
            headers["x-ucdp-access-token"] = token
        first, version = self._first_page(http, headers, bool(token))
        dest = out_dir / f"ucdp_ged_api_{version}_{_today()}.csv"
        expected = _int(first.get("TotalCount"))
        total_pages = _int(first.get("TotalPages"))
        counts = {"written": 0}
        extra: set[str] = set()

        def complete(_: Path) -> None:
            # Refuse a file whose pages did not add up: events were lost between pages.
            if expected and counts["written"] != expected:
                raise FetchError(self._page_url(version, 0), f"the API announced {expected} "
                                 f"events but its pages held {counts['written']}; nothing kept")

        with atomic_file(dest, "w", verify=complete) as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(UCDP_API_COLUMNS)
            page, number, url = first, 0, self._page_url(version, 0)
            while True:
                rows = page.get("Result")
                if not isinstance(rows, list):
                    raise FetchError(url, "the page has no Result list")
                for row in rows:
                    extra.update(k for k in row if k not in UCDP_API_COLUMNS)
                    out.writerow([_cell(row.get(c)) for c in UCDP_API_COLUMNS])
                counts["written"] += len(rows)
                number += 1
                next_url = str(page.get("NextPageUrl") or "")
                if not rows or (total_pages and number >= total_pages) \
                        or (not total_pages and not next_url):
                    break
                # Follow the server's own link when it gives one: it knows its paging.
                url = next_url or self._page_url(version, number)
                page = http.json(url, headers)
        if extra:
            log.warning("UCDP API fields not in the CSV layout, left out: %s",
                        ", ".join(sorted(extra)))
        return dest

    def _first_page(self, http: Http, headers: dict[str, str],
                    has_token: bool) -> tuple[dict[str, Any], str]:
        tried: list[str] = []
        for version in self.versions():
            url = self._page_url(version, 0)
            try:
                page = http.json(url, headers)
            except FetchError as exc:
                if exc.status in (401, 403):
                    hint = "" if has_token else " (set FLANKWATCH_UCDP_TOKEN to your UCDP " \
                        "API access token)"
                    raise FetchError(url, f"access refused{hint}", exc.status) from exc
                if exc.status in (400, 404):
                    tried.append(f"{version}: HTTP {exc.status}")
                    continue  # this release does not exist (yet): try the previous one
                raise
            if isinstance(page, dict) and isinstance(page.get("Result"), list):
                return page, version
            tried.append(f"{version}: no Result list")
        raise FetchError(self.base, "no GED version answered (" + "; ".join(tried) + "); set "
                         "FLANKWATCH_UCDP_VERSION")


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


class EurostatFetcher(Fetcher):
    source = "eurostat"
    title = "Eurostat migr_asyappctzm: monthly asylum applicants (SDMX TSV, gzip)"
    urls = ("https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/migr_asyappctzm"
            "?format=TSV&compressed=true",)

    def fetch(self, http: Http, out_dir: Path) -> Path:
        url = self.urls[0]

        def complete(path: Path) -> None:
            # A body cut short by the server still starts like gzip: read it to the end.
            try:
                with gzip.open(path, "rb") as f:
                    while f.read(_CHUNK):
                        pass
            except (OSError, EOFError) as exc:
                raise FetchError(url, f"the gzip body is damaged or cut short: {exc}") from exc

        dest = out_dir / f"migr_asyappctzm_{_today()}.tsv.gz"
        return http.download(url, dest, check=_is_gzip, verify=complete)


class GdeltFetcher(Fetcher):
    """GDELT 2.0: the newest 15-minute events export named in ``lastupdate.txt``. The zip is
    checked against the size and MD5 listed there, then the CSV inside is extracted."""

    source = "gdelt"
    title = "GDELT 2.0 events export (latest 15 minutes)"
    urls = ("http://data.gdeltproject.org/gdeltv2/lastupdate.txt",)

    def fetch(self, http: Http, out_dir: Path) -> Path:
        index_url = self.urls[0]
        listing = http.text(index_url)
        entry = None
        for line in listing.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].lower().endswith(".export.csv.zip"):
                entry = parts
                break
        if entry is None:
            raise FetchError(index_url, f"no events export listed (got {listing[:120]!r})")
        size, md5, zip_url = int(entry[0]), entry[1].lower(), entry[2]
        zip_path = out_dir / f".{Path(zip_url).name}.download"
        try:
            http.download(zip_url, zip_path, check=_is_zip)
            data = zip_path.read_bytes()
            if len(data) != size or hashlib.md5(data).hexdigest() != md5:
                raise FetchError(zip_url, f"the zip does not match lastupdate.txt (size "
                                 f"{len(data)} vs {size}, or MD5 differs)")
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    names = [n for n in zf.namelist() if n.lower().endswith(".export.csv")]
                    if not names:
                        raise FetchError(zip_url, f"no .export.CSV in the zip ({zf.namelist()})")
                    dest = out_dir / Path(names[0]).name
                    with zf.open(names[0]) as src, atomic_file(dest) as f:
                        while chunk := src.read(_CHUNK):
                            f.write(chunk)
            except zipfile.BadZipFile as exc:
                raise FetchError(zip_url, f"not a readable zip: {exc}") from exc
        finally:
            with contextlib.suppress(OSError):
                zip_path.unlink()
        return dest


class IomMmpFetcher(Fetcher):
    source = "iom_mmp"
    title = "IOM Missing Migrants Project: all incidents (CSV)"
    urls = ("https://missingmigrants.iom.int/sites/g/files/tmzbdl601/files/"
            "report-migrant-incident/Missing_Migrants_Global_Figures_allData.csv",)

    def fetch(self, http: Http, out_dir: Path) -> Path:
        dest = out_dir / f"Missing_Migrants_Global_Figures_allData_{_today()}.csv"
        return http.download(self.urls[0], dest, check=_is_csv)


class NaturalEarthFetcher(Fetcher):
    """Natural Earth admin-0 countries at 1:50m, from Natural Earth's own GitHub repository
    (the GeoJSON there has a stable address; naciscdn serves only zipped shapefiles)."""

    source = "natural_earth"
    title = "Natural Earth 1:50m admin-0 countries (GeoJSON)"
    urls = ("https://raw.githubusercontent.com/nvkelso/natural-earth-vector/master/geojson/"
            "ne_50m_admin_0_countries.geojson",)

    def fetch(self, http: Http, out_dir: Path) -> Path:
        return http.download(self.urls[0], out_dir / "ne_50m_admin_0_countries.geojson",
                             check=_is_geojson)


#: World Bank indicator codes -> the short names of the ``geo,var,t,v`` layout (gdidata's
#: ``wdi`` table, the layout of ``indicators/worldbank_wdi_selected_indicators.csv``), with
#: the API source id when the indicator is not in WDI (source 2).
WDI_INDICATORS: dict[str, tuple[str, int | None]] = {
    "SP.DYN.CBRT.IN": ("birth", None),
    "SP.POP.DPND": ("depend", None),
    "BX.KLT.DINV.CD.WD": ("fdiin", None),
    "BM.KLT.DINV.CD.WD": ("fdiout", None),
    "NY.GDP.MKTP.CD": ("gdp", None),
    "NY.GDP.PCAP.PP.KD": ("income", None),
    "FP.CPI.TOTL.ZG": ("inf", None),
    "SM.POP.NETM": ("nmig", None),
    "PV.EST": ("polstb", 3),  # Worldwide Governance Indicators
    "SP.POP.TOTL": ("pop", None),
    "BX.TRF.PWKR.CD.DT": ("remin", None),
    "BM.TRF.PWKR.CD.DT": ("remout", None),
    "SL.UEM.TOTL.ZS": ("unem", None),
}


class WorldBankFetcher(Fetcher):
    """World Bank API indicators written as ``geo,var,t,v``: countries only (the API's
    regional and income aggregates are left out, as in the shared file), no empty values."""

    source = "worldbank_wdi"
    title = "World Bank WDI selected indicators (API -> geo,var,t,v CSV)"
    base = "https://api.worldbank.org/v2/"
    urls = (base + "country/all/indicator/<code>?format=json&per_page=20000",
            base + "country?format=json&per_page=1000")

    def fetch(self, http: Http, out_dir: Path) -> Path:
        # Indicator rows name the country by its 2-letter id and its ISO-3 code; the country
        # list gives both for each aggregate.
        aggregates: set[str] = set()
        for c in self._pages(http, self.urls[1]):
            if str((c.get("region") or {}).get("value", "")).strip() == "Aggregates":
                aggregates.update({str(c.get("id", "")), str(c.get("iso2Code", ""))})
        dest = out_dir / f"worldbank_wdi_selected_indicators_{_today()}.csv"
        with atomic_file(dest, "w") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["geo", "var", "t", "v"])
            for code, (name, source_id) in WDI_INDICATORS.items():
                url = f"{self.base}country/all/indicator/{code}?format=json&per_page=20000"
                if source_id is not None:
                    url += f"&source={source_id}"
                for row in self._pages(http, url):
                    geo = str(row.get("countryiso3code") or "")
                    country_id = str((row.get("country") or {}).get("id", ""))
                    if row.get("value") is None or not geo or country_id in aggregates \
                            or geo in aggregates:
                        continue
                    out.writerow([geo, name, row.get("date", ""), _cell(row["value"])])
        return dest

    def _pages(self, http: Http, url: str) -> Iterator[dict[str, Any]]:
        """Rows of every page of a World Bank API answer (``[meta, rows]``)."""
        page, pages = 1, 1
        while page <= pages:
            doc = http.json(f"{url}&page={page}")
            if not isinstance(doc, list) or not doc or not isinstance(doc[0], dict):
                raise FetchError(url, f"unexpected answer: {str(doc)[:200]}")
            if "message" in doc[0]:  # the API reports errors in a 200 answer
                raise FetchError(url, f"the API says: {json.dumps(doc[0]['message'])[:300]}")
            pages = _int(doc[0].get("pages")) or 1
            yield from (doc[1] if len(doc) > 1 and isinstance(doc[1], list) else [])
            page += 1


class FrontexFetcher(Fetcher):
    """The monthly IBC xlsx: its name carries the publication date and changes every month,
    so the link is read from the migratory-map page. The file keeps Frontex's name (the
    adapter recognises the workbook by "IBC" in it)."""

    source = "frontex"
    title = "Frontex monthly detections of irregular border crossings (xlsx)"
    urls = ("https://www.frontex.europa.eu/what-we-do/monitoring-and-risk-analysis/"
            "migratory-map/",
            "https://www.frontex.europa.eu/along-eu-borders/migratory-map/")
    link = re.compile(r"""href=["']([^"']*Monthly_detections_of_IBC[^"']*\.xlsx)["']""",
                      re.IGNORECASE)

    def find_link(self, http: Http) -> str:
        problems: list[str] = []
        for page_url in self.urls:
            try:
                page = http.text(page_url)
            except FetchError as exc:
                if exc.status is None or exc.status >= 500 or exc.status in RETRY_STATUS:
                    raise
                problems.append(str(exc))
                continue  # the page moved: try the other known address
            links = sorted({urljoin(page_url, str(m)) for m in self.link.findall(page)},
                           key=lambda u: Path(u).name)
            if links:
                newest: str = links[-1]  # names embed the date: the last is the newest
                return newest
            problems.append(f"{page_url}: no Monthly_detections_of_IBC*.xlsx link on the page")
        raise FetchError(self.urls[0], "; ".join(problems))

    def fetch(self, http: Http, out_dir: Path) -> Path:
        url = self.find_link(http)
        name = Path(url.split("?")[0]).name
        return http.download(url, out_dir / name, check=_is_zip)


FETCHERS: dict[str, Fetcher] = {
    f.source: f
    for f in (UnScFetcher(), UcdpFetcher(), EurostatFetcher(), GdeltFetcher(),
              IomMmpFetcher(), NaturalEarthFetcher(), WorldBankFetcher(), FrontexFetcher())
}


def fetch(source: str, out_dir: Path, *, timeout_s: float = 60.0,
          client: httpx.Client | None = None) -> Path:
    """Download the current file of ``source`` into ``out_dir`` and return its path.

    ``client`` lets a caller (a test, a proxy setup) supply the HTTP client; without it one
    is made for this download and closed after it.
    """
    try:
        fetcher = FETCHERS[source]
    except KeyError:
        raise ConfigurationError(
            f"no downloader for source {source!r}; known: {', '.join(sorted(FETCHERS))}"
        ) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    own = client is None
    http_client = client or httpx.Client(headers={"User-Agent": USER_AGENT})
    try:
        path = fetcher.fetch(Http(http_client, timeout_s), out_dir)
    finally:
        if own:
            http_client.close()
    log.info("fetched %s -> %s (%d bytes)", source, path, path.stat().st_size)
    return path
