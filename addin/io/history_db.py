"""The history database (contracts.md §7): one SQLite file through the standard library.

The schema lives here and only here, as numbered forward migrations; `PRAGMA user_version` is the
version a file has, and opening a file upgrades it. WAL lets readers work while one process
writes; foreign keys are on; writers wait for each other (busy timeout) and retry. An import is
one transaction: killed at any moment, the file is as it was before.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar

from addin.domain import labels as L
from addin.domain.errors import TdktError
from addin.domain.issues import Code, Issue, make_issue
from addin.domain.models import UnitInfo, UnitWorkbook
from addin.domain.periods import Period
from addin.domain.persons import KnownPerson, PersonIndex, PersonRef, name_key, service_key, unit_key
from addin.domain.rules import Rules
from addin.domain.streaks import Record, StreakHistory
from addin.domain.text import clean, fold
from addin.io.causes import detail

DEFAULT_DB = L.HISTORY_DB_NAME
BUSY_TIMEOUT_MS = 30_000
# SQLite's default page cache (2 MB) thrashes on the random keys of the name index during a
# large import; 64 MB made writing 150k nominations 1.6x faster.
CACHE_KIB = 64 * 1024
WRITE_ATTEMPTS = 5
T = TypeVar("T")


class HistoryError(TdktError, RuntimeError):
    """The database cannot be used (newer schema, not a database); the message is Vietnamese."""


# Each entry upgrades the schema by one version. Never edit a released entry: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the first release
        """CREATE TABLE clusters (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
                                  name TEXT NOT NULL)""",
        """CREATE TABLE units (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
                               name TEXT NOT NULL)""",
        """CREATE TABLE periods (id INTEGER PRIMARY KEY,
                                 kind TEXT NOT NULL CHECK (kind IN ('h1', 'h2', 'year', 'span')),
                                 year_from INTEGER NOT NULL, year_to INTEGER NOT NULL,
                                 label TEXT NOT NULL, UNIQUE (kind, year_from, year_to))""",
        """CREATE TABLE imports (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE,
                                 path TEXT NOT NULL,
                                 unit_id INTEGER NOT NULL REFERENCES units (id),
                                 period_id INTEGER NOT NULL REFERENCES periods (id),
                                 cluster_id INTEGER REFERENCES clusters (id),
                                 period_text TEXT NOT NULL, headcount INTEGER,
                                 active INTEGER NOT NULL DEFAULT 1, imported_at TEXT NOT NULL)""",
        # One file counts per unit and period; the replaced ones stay as the record.
        "CREATE UNIQUE INDEX imports_active ON imports (unit_id, period_id) WHERE active = 1",
        """CREATE TABLE replacements (id INTEGER PRIMARY KEY,
                                      old_import_id INTEGER NOT NULL REFERENCES imports (id),
                                      new_import_id INTEGER NOT NULL REFERENCES imports (id),
                                      replaced_at TEXT NOT NULL)""",
        """CREATE TABLE persons (id INTEGER PRIMARY KEY, service_no TEXT UNIQUE,
                                 name TEXT NOT NULL, name_key TEXT NOT NULL, birth_year INTEGER)""",
        "CREATE INDEX persons_name ON persons (name_key)",
        """CREATE TABLE person_units (person_id INTEGER NOT NULL REFERENCES persons (id),
                                      unit_id INTEGER NOT NULL REFERENCES units (id),
                                      PRIMARY KEY (person_id, unit_id)) WITHOUT ROWID""",
        """CREATE TABLE collectives (id INTEGER PRIMARY KEY,
                                     unit_id INTEGER NOT NULL REFERENCES units (id),
                                     key TEXT NOT NULL, name TEXT NOT NULL,
                                     UNIQUE (unit_id, key))""",
        """CREATE TABLE nominations (id INTEGER PRIMARY KEY,
                                     import_id INTEGER NOT NULL REFERENCES imports (id)
                                         ON DELETE CASCADE,
                                     kind TEXT NOT NULL CHECK (kind IN ('individual', 'collective')),
                                     person_id INTEGER REFERENCES persons (id),
                                     collective_id INTEGER REFERENCES collectives (id),
                                     name TEXT NOT NULL, rank TEXT NOT NULL, subunit TEXT NOT NULL,
                                     title TEXT, title_text TEXT NOT NULL, streak INTEGER,
                                     members INTEGER, present INTEGER, agree INTEGER,
                                     passed INTEGER NOT NULL, row INTEGER NOT NULL)""",
        "CREATE INDEX nominations_import ON nominations (import_id)",
        "CREATE INDEX nominations_person ON nominations (person_id) WHERE person_id IS NOT NULL",
        """CREATE INDEX nominations_collective ON nominations (collective_id)
               WHERE collective_id IS NOT NULL""",
        """CREATE TABLE commendations (id INTEGER PRIMARY KEY,
                                       import_id INTEGER NOT NULL REFERENCES imports (id)
                                           ON DELETE CASCADE,
                                       form TEXT NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL,
                                       collectives INTEGER, individuals INTEGER,
                                       row INTEGER NOT NULL)""",
        "CREATE INDEX commendations_import ON commendations (import_id)",
    ),
    (  # 2: cluster scores and ranks (covenant scoring, contracts.md §8); why a file was replaced
        """CREATE TABLE scores (id INTEGER PRIMARY KEY,
                                unit_id INTEGER NOT NULL REFERENCES units (id),
                                period_id INTEGER NOT NULL REFERENCES periods (id),
                                cluster_id INTEGER REFERENCES clusters (id),
                                self_score REAL, cluster_score REAL, score_used REAL,
                                rank INTEGER, UNIQUE (unit_id, period_id))""",
        "ALTER TABLE replacements ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


# Not CREATE TABLE: json_each declares its virtual table through it (and a table without rows
# changes nothing a reader sees).
_MAIN_WRITES = frozenset({
    sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE,
    sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_CREATE_VIEW,
    sqlite3.SQLITE_CREATE_TRIGGER, sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_DROP_VIEW, sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_ALTER_TABLE})


def _reads_only(action: int, table: str | None, _arg2: str | None, database: str | None,
                _trigger: str | None) -> int:
    """Refuse any change to the user's database; temporary tables stay allowed."""
    # SQLite itself asks to "update" sqlite_master while it parses a virtual table (json_each).
    refused = action in _MAIN_WRITES and database == "main" and table != "sqlite_master"
    return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK


def _open_for_reading(path: str | Path) -> sqlite3.Connection:
    """A connection that only reads. Opened read-write with writes refused (query_only): a
    strictly read-only one cannot remove the -wal/-shm files reading a WAL database creates, and
    would leave them beside the user's file; read-only media still get the read-only mode.
    (PRAGMA query_only would refuse the temporary tables the queries use.)"""
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        conn.set_authorizer(_reads_only)
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)


def connect(path: str | Path, readonly: bool = False, upgrade_to: int = SCHEMA_VERSION
            ) -> sqlite3.Connection:
    """Open (and, for writing, create and upgrade) the database. Transactions are explicit."""
    try:
        if readonly:
            conn = _open_for_reading(path)
        else:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys = ON")
        if readonly:
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise HistoryError(f"cơ sở dữ liệu {path} thuộc phiên bản mới hơn ({version})")
            return conn
        retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        migrate(conn, upgrade_to)
        return conn
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"không mở được cơ sở dữ liệu {path}: tệp không phải cơ sở dữ liệu "
                           f"lịch sử của tdkt hoặc đã bị hỏng {detail(exc)}") from exc


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


@contextmanager
def transaction(conn: sqlite3.Connection, retry_begin: bool = False) -> Iterator[None]:
    """One write transaction (the connection's transactions are explicit): BEGIN IMMEDIATE takes
    the write lock (with `retry_begin`, retried while another writer holds it), COMMIT at the
    end, ROLLBACK on any failure, the COMMIT's own included."""
    if retry_begin:
        retry(lambda: conn.execute("BEGIN IMMEDIATE"))
    else:
        conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def migrate(conn: sqlite3.Connection, upgrade_to: int = SCHEMA_VERSION) -> None:
    """Apply the missing migrations, each in its own transaction with its version number."""
    def step() -> None:
        with transaction(conn):
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise HistoryError(f"cơ sở dữ liệu thuộc phiên bản mới hơn ({version}); "
                                   f"cần cập nhật tdkt")
            for number in range(version, upgrade_to):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")

    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise HistoryError(f"cơ sở dữ liệu thuộc phiên bản mới hơn ({version}); cần cập nhật tdkt")
    if version < upgrade_to:
        retry(step)


def retry(action: Callable[[], T], attempts: int = WRITE_ATTEMPTS) -> T:
    """Run `action`; when another writer still holds the lock after the busy timeout, wait and
    try again (a few times) rather than fail the user's import."""
    for attempt in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def now_text() -> str:
    """The wall clock, as the database stores a time (UTC, to the second)."""
    return time_text(dt.datetime.now(dt.UTC))


def time_text(moment: dt.datetime) -> str:
    """A moment as stored in `imports.imported_at` and `replacements.replaced_at`."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------------------------
class Row(NamedTuple):
    """One nomination as stored: what the import keeps of a validated row (a Nomination object
    weighs ~2 KB; half a million of them would not fit the memory budget)."""

    kind: str
    name: str
    rank: str
    subunit: str
    title: str | None
    title_text: str
    streak: int | None
    members: int | None
    present: int | None
    agree: int | None
    passed: bool
    row: int
    sheet: str
    name_column: str | None
    service_no: str
    birth_year: int | None


@dataclass
class PreparedBook:
    """A read and validated unit workbook, with its parsed period, ready to import."""

    path: str
    sha256: str
    info: UnitInfo
    period: Period
    rows: list[Row]
    commendations: list[tuple[str, str, str, int | None, int | None, int]]


def prepare(book: UnitWorkbook, period: Period) -> PreparedBook:
    """The slim form of a validated book (the book itself can then be dropped)."""
    rows = [Row(n.kind, clean(n.name), n.rank, n.unit, n.title, n.title_text, n.streak,
                n.members, n.present, n.agree, n.passed, n.row, n.sheet,
                n.columns.get("full_name"), n.service_no, n.birth_year)
            for n in book.nominations]
    info = UnitInfo(unit=book.info.unit, cluster=book.info.cluster, period=book.info.period,
                    headcount=book.info.headcount)
    return PreparedBook(book.path, book.sha256, info, period, rows,
                        [(clean(c.form), clean(c.kind), clean(c.level), c.collectives,
                          c.individuals, c.row) for c in book.commendations])


@dataclass
class ImportedFile:
    path: str
    sha256: str
    status: str  # imported | replaced | unchanged
    replaced: str | None = None  # the path of the file it replaced


@dataclass
class ImportSummary:
    files: list[ImportedFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def known_hashes(conn: sqlite3.Connection, hashes: Sequence[str]) -> set[str]:
    """The hashes already imported and in force (re-importing them changes nothing)."""
    found: set[str] = set()
    for i in range(0, len(hashes), 500):
        chunk = hashes[i:i + 500]
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in conn.execute(
            f"SELECT sha256 FROM imports WHERE active = 1 AND sha256 IN ({marks})", chunk))
    return found


def _id_of(conn: sqlite3.Connection, table: str, key: str, name: str) -> int:
    row = conn.execute(f"SELECT id FROM {table} WHERE key = ?", (key,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute(f"INSERT INTO {table} (key, name) VALUES (?, ?)", (key, name))
    return int(cur.lastrowid or 0)


def _period_id(conn: sqlite3.Connection, period: Period) -> int:
    row = conn.execute("SELECT id FROM periods WHERE kind = ? AND year_from = ? AND year_to = ?",
                       (period.kind, period.start, period.end)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute("INSERT INTO periods (kind, year_from, year_to, label) VALUES (?, ?, ?, ?)",
                       (period.kind, period.start, period.end, period.label))
    return int(cur.lastrowid or 0)


def load_person_index(conn: sqlite3.Connection, where: str = "", args: Sequence[object] = ()
                      ) -> PersonIndex:
    rows = conn.execute(
        "SELECT p.id, COALESCE(p.service_no, ''), p.name_key, p.birth_year, u.key FROM persons p "
        "LEFT JOIN person_units pu ON pu.person_id = p.id LEFT JOIN units u ON u.id = pu.unit_id "
        f"{where} ORDER BY p.id", args)
    people: dict[int, KnownPerson] = {}
    for pid, service, key, birth, unit in rows:
        person = people.get(pid)
        if person is None:
            person = people[pid] = KnownPerson(pid, service, key, birth)
        if unit is not None:
            person.unit_keys.add(unit)
    return PersonIndex(people.values())


class _Writer:
    """Writes prepared books inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, summary: ImportSummary, at: str) -> None:
        self.conn = conn
        self.summary = summary
        self.index = load_person_index(conn)
        self.next_person = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM persons")
                               .fetchone()[0])
        self.collectives: dict[tuple[int, str], int] = {
            (int(u), str(k)): int(i)
            for i, u, k in conn.execute("SELECT id, unit_id, key FROM collectives")}
        self.person_units: set[tuple[int, int]] = set()
        self.new_persons: list[tuple[int, str | None, str, str, int | None]] = []
        self.updates: list[tuple[str, tuple[object, ...]]] = []
        self.new_person_units: list[tuple[int, int]] = []
        self.now = at  # the import's one time: imported_at, replaced_at

    def person(self, nom: Row, unit: str, unit_id: int, path: str) -> int | None:
        nkey, skey = name_key(nom.name), service_key(nom.service_no)
        birth = nom.birth_year
        match = self.index.match_keys(nkey, unit, skey, birth)
        if match.ambiguous:
            self.summary.issues.append(make_issue(
                Code.AMBIGUOUS_PERSON, f"({nom.name}: {len(match.candidates)} người; chưa ghép)",
                file=path, sheet=nom.sheet, row=nom.row, column=nom.name_column))
            return None
        if match.person_id is None:
            pid = self.next_person
            self.next_person += 1
            self.new_persons.append((pid, skey or None, clean(nom.name), nkey, birth))
            self.index.add(KnownPerson(pid, skey, nkey, birth, {unit}))
        else:
            pid = match.person_id
            known = self.index.people[pid]
            if skey and not known.service_no:
                self.updates.append(("UPDATE persons SET service_no = ? WHERE id = ?", (skey, pid)))
                self.index.set_service_no(pid, skey)
            if birth is not None and known.birth_year is None:
                self.updates.append(("UPDATE persons SET birth_year = ? WHERE id = ?", (birth, pid)))
                known.birth_year = birth
            self.index.add_unit(pid, unit)
        if (pid, unit_id) not in self.person_units:
            self.person_units.add((pid, unit_id))
            self.new_person_units.append((pid, unit_id))
        return pid

    def flush_persons(self) -> None:
        """Persons and their units go in by batches (ids are given here, under the write lock)
        before the nominations that refer to them."""
        self.conn.executemany("INSERT INTO persons (id, service_no, name, name_key, birth_year) "
                              "VALUES (?, ?, ?, ?, ?)", self.new_persons)
        for sql, args in self.updates:
            self.conn.execute(sql, args)
        self.conn.executemany("INSERT OR IGNORE INTO person_units VALUES (?, ?)",
                              self.new_person_units)
        self.new_persons, self.updates, self.new_person_units = [], [], []

    def collective(self, name: str, unit_id: int) -> int:
        key = (unit_id, fold(name))
        if key not in self.collectives:
            cur = self.conn.execute("INSERT INTO collectives (unit_id, key, name) VALUES (?, ?, ?)",
                                    (unit_id, key[1], clean(name)))
            self.collectives[key] = int(cur.lastrowid or 0)
        return self.collectives[key]

    def write(self, prepared: PreparedBook) -> None:
        conn, book, info = self.conn, prepared, prepared.info
        old = conn.execute("SELECT id, active, path FROM imports WHERE sha256 = ?",
                           (book.sha256,)).fetchone()
        if old is not None and old[1]:
            self.summary.files.append(ImportedFile(book.path, book.sha256, "unchanged"))
            return  # imported meanwhile by another process
        unit_id = _id_of(conn, "units", fold(info.unit), clean(info.unit))
        cluster_id = _id_of(conn, "clusters", fold(info.cluster), clean(info.cluster)) \
            if fold(info.cluster) else None
        period_id = _period_id(conn, prepared.period)
        current = conn.execute("SELECT id, path FROM imports WHERE unit_id = ? AND period_id = ? "
                               "AND active = 1", (unit_id, period_id)).fetchone()
        if current is not None:  # a corrected file: the old one stays, as the record
            conn.execute("DELETE FROM nominations WHERE import_id = ?", (current[0],))
            conn.execute("DELETE FROM commendations WHERE import_id = ?", (current[0],))
            conn.execute("UPDATE imports SET active = 0 WHERE id = ?", (current[0],))
        if old is not None:  # a file replaced earlier comes back: it is in force again
            import_id = int(old[0])
            conn.execute("UPDATE imports SET active = 1, path = ?, imported_at = ? WHERE id = ?",
                         (book.path, self.now, import_id))
        else:
            cur = conn.execute(
                "INSERT INTO imports (sha256, path, unit_id, period_id, cluster_id, period_text, "
                "headcount, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (book.sha256, book.path, unit_id, period_id, cluster_id, info.period,
                 info.headcount, self.now))
            import_id = int(cur.lastrowid or 0)
        if current is not None:
            conn.execute("INSERT INTO replacements (old_import_id, new_import_id, replaced_at, "
                         "reason) VALUES (?, ?, ?, ?)",
                         (current[0], import_id, self.now, "tệp khác của cùng đơn vị và kỳ"))
        rows = []
        unit = unit_key(info.unit)
        for nom in book.rows:
            person_id = collective_id = None
            if nom.kind == "individual":
                person_id = self.person(nom, unit, unit_id, book.path)
            else:
                collective_id = self.collective(nom.name, unit_id)
            rows.append((import_id, nom.kind, person_id, collective_id, nom.name,
                         nom.rank, nom.subunit, nom.title, nom.title_text, nom.streak,
                         nom.members, nom.present, nom.agree, int(nom.passed), nom.row))
        self.flush_persons()
        conn.executemany(
            "INSERT INTO nominations (import_id, kind, person_id, collective_id, name, rank, "
            "subunit, title, title_text, streak, members, present, agree, passed, row) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany(
            "INSERT INTO commendations (import_id, form, kind, level, collectives, individuals, "
            "row) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(import_id, *c) for c in book.commendations])
        status = "replaced" if current is not None else "imported"
        self.summary.files.append(ImportedFile(book.path, book.sha256, status,
                                               current[1] if current is not None else None))


def import_books(conn: sqlite3.Connection, books: Iterable[PreparedBook],
                 at: dt.datetime | None = None) -> ImportSummary:
    """Write the books in ONE transaction (all or nothing). Taking the write lock waits for
    other writers (busy timeout, then retries); `books` may be produced while the transaction is
    open (a generator fed by the readers), since nothing is consumed before the lock is held.

    `at` is the time recorded for the import and its replacements (the audit trail: when a file
    came in, when it replaced another): the wall clock when the lock is held, unless the caller
    fixes it (the demo does, so its database is the same bytes on every run). It is the only
    time the database holds."""
    summary = ImportSummary()
    with transaction(conn, retry_begin=True):
        writer = _Writer(conn, summary, time_text(at) if at is not None else now_text())
        for prepared in books:
            writer.write(prepared)
    return summary


def write_score(conn: sqlite3.Connection, unit: str, period: Period, cluster: str,
                self_score: float | None, cluster_score: float | None, score_used: float | None,
                rank: int | None) -> None:
    """Store (or replace) one unit's covenant score and rank for a period (contracts.md §8)."""
    def attempt() -> None:
        with transaction(conn):
            unit_id = _id_of(conn, "units", fold(unit), clean(unit))
            cluster_id = _id_of(conn, "clusters", fold(cluster), clean(cluster)) \
                if fold(cluster) else None
            conn.execute(
                "INSERT INTO scores (unit_id, period_id, cluster_id, self_score, cluster_score, "
                "score_used, rank) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, period_id) "
                "DO UPDATE SET cluster_id = excluded.cluster_id, self_score = excluded.self_score, "
                "cluster_score = excluded.cluster_score, score_used = excluded.score_used, "
                "rank = excluded.rank",
                (unit_id, _period_id(conn, period), cluster_id, self_score, cluster_score,
                 score_used, rank))

    retry(attempt)


# ----------------------------------------------------------------------------------------------
def _unit_years(conn: sqlite3.Connection) -> dict[str, frozenset[int]]:
    years: dict[str, set[int]] = {}
    for key, year in conn.execute(
            "SELECT u.key, p.year_from FROM imports i JOIN units u ON u.id = i.unit_id "
            "JOIN periods p ON p.id = i.period_id WHERE i.active = 1 AND p.kind = 'year'"):
        years.setdefault(key, set()).add(year)
    return {k: frozenset(v) for k, v in years.items()}


def _records(titles: Iterable[tuple[int, int, str]], covered: dict[int, set[int]]
             ) -> dict[int, Record]:
    held: dict[int, dict[int, set[str]]] = {}
    for subject, year, title in titles:
        held.setdefault(subject, {}).setdefault(year, set()).add(title)
    subjects = set(held) | set(covered)
    return {s: Record({y: frozenset(t) for y, t in held.get(s, {}).items()},
                      frozenset(covered.get(s, set()))) for s in sorted(subjects)}


_HELD = ("SELECT n.{col}, p.year_from, n.title FROM nominations n "
         "JOIN imports i ON i.id = n.import_id AND i.active = 1 "
         "JOIN periods p ON p.id = i.period_id AND p.kind = 'year' "
         "WHERE n.passed = 1 AND n.title IS NOT NULL AND n.{col} IS NOT NULL")


def streak_history(conn: sqlite3.Connection, rows: Iterable[PersonRef], rules: Rules
                   ) -> StreakHistory:
    """What the database knows of the persons that `rows` may be: a fixed handful of queries
    for the whole run (the candidates, their units, their titles), never one per person."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS cand (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.cand")
    names, services = set(), set()
    for ref in rows:
        names.add((name_key(ref.name), unit_key(ref.unit)))
        if key := service_key(ref.service_no):
            services.add(key)
    # The wanted keys travel as one JSON parameter each (json_each), not row by row. Namesakes
    # in other units are not candidates (army-wide, common names repeat thousands of times); a
    # service number is matched wherever its owner served. Index look-ups only.
    conn.execute(
        "INSERT OR IGNORE INTO temp.cand SELECT p.id FROM json_each(?) w "
        "JOIN persons p ON p.name_key = json_extract(w.value, '$[0]') "
        "JOIN person_units pu ON pu.person_id = p.id "
        "JOIN units u ON u.id = pu.unit_id AND u.key = json_extract(w.value, '$[1]') "
        "UNION SELECT p.id FROM json_each(?) s JOIN persons p ON p.service_no = s.value",
        (json.dumps(sorted(names), ensure_ascii=False), json.dumps(sorted(services))))
    index = load_person_index(conn, "WHERE p.id IN (SELECT id FROM temp.cand)")
    # Only the titles a chain looks at: a streak check never needs the CSTT rows.
    titles = sorted({t for c in rules.chains for t in (*c.counts_as, *c.restart_on)})
    held = conn.execute(_HELD.format(col="person_id")
                        + f" AND n.title IN ({','.join('?' * len(titles))})"
                        + " AND n.person_id IN (SELECT id FROM temp.cand)", titles).fetchall()
    # The years each person's units cover are joined at look-up (StreakHistory.proven).
    return StreakHistory(index, _records(held, {}), _unit_years(conn), rules)


@dataclass(frozen=True)
class Subject:
    id: int
    name: str
    unit: str
    service_no: str = ""
    birth_year: int | None = None


def person_records(conn: sqlite3.Connection) -> tuple[dict[int, Record], dict[int, Subject]]:
    """Every person's history, and who they are (their latest unit)."""
    unit_years = _unit_years(conn)
    index = load_person_index(conn)
    covered = {pid: {y for u in p.unit_keys for y in unit_years.get(u, ())}
               for pid, p in index.people.items()}
    held = conn.execute(_HELD.format(col="person_id")).fetchall()
    subjects = {}
    for pid, name, service, birth, unit in conn.execute(
            "SELECT p.id, p.name, COALESCE(p.service_no, ''), p.birth_year, "
            "(SELECT u.name FROM nominations n JOIN imports i ON i.id = n.import_id "
            " JOIN periods pe ON pe.id = i.period_id JOIN units u ON u.id = i.unit_id "
            " WHERE n.person_id = p.id AND i.active = 1 "
            " ORDER BY pe.year_from DESC, pe.kind DESC LIMIT 1) FROM persons p"):
        subjects[pid] = Subject(pid, name, unit or "", service, birth)
    return _records(held, covered), subjects


def collective_records(conn: sqlite3.Connection) -> tuple[dict[int, Record], dict[int, Subject]]:
    unit_years = _unit_years(conn)
    subjects: dict[int, Subject] = {}
    covered: dict[int, set[int]] = {}
    for cid, name, unit, ukey in conn.execute(
            "SELECT c.id, c.name, u.name, u.key FROM collectives c JOIN units u ON u.id = c.unit_id"):
        subjects[cid] = Subject(cid, name, unit)
        covered[cid] = set(unit_years.get(ukey, ()))
    held = conn.execute(_HELD.format(col="collective_id")).fetchall()
    return _records(held, covered), subjects


# ---------------------------------------------------------------------------- period reports
def _scope(first: int, last: int, kinds: Sequence[str], cluster: str | None
           ) -> tuple[str, list[object]]:
    where = (f"i.active = 1 AND p.year_from BETWEEN ? AND ? AND p.year_to = p.year_from "
             f"AND p.kind IN ({','.join('?' * len(kinds))})")
    args: list[object] = [first, last, *kinds]
    if cluster:
        where += " AND i.cluster_id = (SELECT id FROM clusters WHERE key = ?)"
        args.append(fold(cluster))
    return where, args


def report_counts(conn: sqlite3.Connection, first: int, last: int, kinds: Sequence[str],
                  cluster: str | None) -> list[tuple[str, int, str, str, int, int]]:
    """(unit, year, period kind, title, proposed, passed), aggregated by SQLite (the report
    pivots these; 2.5 M nominations become a few thousand rows here)."""
    where, args = _scope(first, last, kinds, cluster)
    rows = conn.execute(
        "SELECT u.name, p.year_from, p.kind, n.title, COUNT(*), SUM(n.passed) FROM nominations n "
        "JOIN imports i ON i.id = n.import_id JOIN periods p ON p.id = i.period_id "
        f"JOIN units u ON u.id = i.unit_id WHERE {where} AND n.title IS NOT NULL "
        "GROUP BY u.id, p.id, n.title", args).fetchall()
    return [(str(a), int(b), str(c), str(d), int(e), int(f)) for a, b, c, d, e, f in rows]


def report_commendations(conn: sqlite3.Connection, first: int, last: int, kinds: Sequence[str],
                         cluster: str | None) -> list[tuple[int, str, str, str, int, int]]:
    """(year, period kind, form, level, collectives, individuals) summed over the units."""
    where, args = _scope(first, last, kinds, cluster)
    rows = conn.execute(
        "SELECT p.year_from, p.kind, c.form, c.level, SUM(COALESCE(c.collectives, 0)), "
        "SUM(COALESCE(c.individuals, 0)) FROM commendations c "
        "JOIN imports i ON i.id = c.import_id JOIN periods p ON p.id = i.period_id "
        f"WHERE {where} GROUP BY p.id, c.form, c.level", args).fetchall()
    return [(int(a), str(b), str(c), str(d), int(e), int(f)) for a, b, c, d, e, f in rows]


def report_held(conn: sqlite3.Connection, first: int, last: int, titles: Sequence[str],
                kind: str, cluster: str | None
                ) -> list[tuple[int, str, str, str, int | None, int]]:
    """(subject id, name, unit, service number, birth year, year) for each annual report of the
    span in which a person (kind "individual") or collective holds one of `titles`."""
    where, args = _scope(first, last, ("year",), cluster)
    marks = ",".join("?" * len(titles))
    if kind == "individual":
        col, join, extra = ("n.person_id", "persons s ON s.id = n.person_id",
                            "COALESCE(s.service_no, ''), s.birth_year")
    else:
        col, join, extra = ("n.collective_id", "collectives s ON s.id = n.collective_id",
                            "'', NULL")
    rows = conn.execute(
        f"SELECT {col}, s.name, u.name, {extra}, p.year_from FROM nominations n "
        f"JOIN imports i ON i.id = n.import_id JOIN periods p ON p.id = i.period_id "
        f"JOIN units u ON u.id = i.unit_id JOIN {join} "
        f"WHERE {where} AND n.passed = 1 AND n.title IN ({marks})", [*args, *titles]).fetchall()
    return [(int(a), str(b), str(c), str(d), e, int(f)) for a, b, c, d, e, f in rows]
