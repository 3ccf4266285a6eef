"""The exercise scenario: a synthetic southern-flank world written in the real files' formats.

:func:`generate` writes, under ``out_dir/data/``, one file per source family in exactly the
layout of the real public files FlankWatch reads (Frontex IBC long CSV, GDELT 2.0 event export,
UCDP GED 23.1 CSV, IOM Missing Migrants tidy CSV, raw AIS NMEA with tag blocks, UN consolidated
sanctions XML), and ``out_dir/ground_truth.json`` describing every planted phenomenon. The
adapters ingest the scenario like any other data, so an exercise, a demo without real data and
the detectors' tests all run on the same path as real data.

The world is a function of the seed: every generator draws from its own stream spawned from
it, so the same seed gives the same bytes and a change to one generator leaves the others'
draws as they were. This package writes files and registers no adapter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from flankwatch.sources.scenario.conflict import write_ged
from flankwatch.sources.scenario.incidents import CMR, WAR, write_incidents
from flankwatch.sources.scenario.maritime import write_ais
from flankwatch.sources.scenario.migration import write_frontex
from flankwatch.sources.scenario.news import write_gdelt
from flankwatch.sources.scenario.sanctions import write_un_list
from flankwatch.sources.scenario.truth import draw_plan, write_truth

__all__ = ["FILES", "generate"]

#: The scenario's files, relative to ``out_dir``.
FILES = {
    "frontex": "data/frontex/scenario_ibc_monthly_route_nationality_long.csv",
    "gdelt": "data/gdelt/scenario.export.CSV",
    "ucdp": "data/conflict/scenario_ged.csv",
    "iom_mmp": "data/missing_migrants/scenario_iom_mmp_incidents.csv",
    "ais": "data/ais/scenario_central_med.nm4",
    "un_sanctions": "data/sanctions/scenario_un_consolidated.xml",
    "ground_truth": "ground_truth.json",
}
_STREAMS = ("plan", "migration", "news", "conflict", "incidents", "maritime")


def generate(out_dir: Path, *, seed: int = 7) -> list[Path]:
    """Write the scenario for ``seed`` into ``out_dir``; return the files written (the data
    files, then the ground truth)."""
    out_dir = Path(out_dir)
    streams = dict(zip(_STREAMS, (np.random.default_rng(s) for s in
                                  np.random.SeedSequence(seed).spawn(len(_STREAMS))),
                       strict=True))
    plan = draw_plan(seed, streams["plan"])
    path = {k: out_dir / v for k, v in FILES.items()}

    migration, totals = write_frontex(path["frontex"], plan, streams["migration"])
    news = write_gdelt(path["gdelt"], plan, streams["news"])
    conflict = write_ged(path["ucdp"], plan, streams["conflict"])
    incidents = write_incidents(path["iom_mmp"], plan, streams["incidents"], {
        CMR: totals[("Central Mediterranean Route", "Sea")],
        WAR: totals[("Western African Route", "Sea")],
    })
    ais = write_ais(path["ais"], streams["maritime"], plan.ais_start)
    sanctions = write_un_list(path["un_sanctions"], plan, ais["sanctioned_tanker"])
    maritime = [{**e, "domain": "maritime", "label": e["type"], "file": FILES["ais"],
                 "expected_detection": {"alert": e["type"],
                                        "criteria": ais["criteria"][e["type"]]}}
                for e in ais["events"]]
    context = {
        "plan": {
            "transit_state": plan.transit_state, "target_state": plan.target_state,
            "campaign_profile": list(plan.campaign_profile),
            "escalation_onset": plan.escalation_onset, "spread_month": plan.spread_month,
        },
        "maritime": {k: v for k, v in ais.items() if k != "events"},
    }
    phenomena = [*migration, *news, *conflict, *incidents, *maritime, *sanctions]
    truth = write_truth(path["ground_truth"], plan, {k: v for k, v in FILES.items()
                                                     if k != "ground_truth"}, phenomena,
                        context)
    return [p for k, p in path.items() if k != "ground_truth"] + [truth]
