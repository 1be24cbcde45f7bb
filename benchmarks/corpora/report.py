"""The corpora's results as the Markdown report: a table, then each corpus's details."""

from __future__ import annotations

from benchmarks.corpora.outcome import Result


def _n(result: Result, status: str) -> str:
    return str(result.statuses.get(status, 0)) if result.statuses else "–"


def markdown(results: list[Result]) -> str:
    head = ["corpus", "records", "exit", "outcome", "read", "published", "duplicate",
            "rejected", "failed", "quarantined", "accounted", "contract", "bars", "wall s",
            "peak MiB", "tree MiB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        published = _n(r, "published")
        if r.outcome == "blocked" and r.statuses:
            published = f"0 (blocked; {published} held)"
        cells = [
            r.corpus, str(r.records_written if r.records_written is not None else "–"),
            str(r.exit if r.exit is not None else "–"), r.outcome,
            str(sum(r.statuses.values()) if r.statuses else "–"), published,
            _n(r, "duplicate"), _n(r, "rejected"), _n(r, "failed"), _n(r, "quarantined"),
            "yes" if r.statuses and not r.accounting else "no",
            "–" if r.log_source != "lake" and not r.contract else
            ("no" if r.contract else "ok"),
            "met" if r.statuses and not r.bars else "; ".join(r.bars) or "–",
            f"{r.seconds:.0f}" if r.seconds is not None else "–",
            f"{r.peak_mib:,.0f}" if r.peak_mib is not None else "–",
            f"{r.tree_mib:,.0f}" if r.tree_mib is not None else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        details = []
        if r.crash:
            c = r.crash
            what = ": ".join(filter(None, [c.get("exception"), c.get("message")]))
            label = "publish blocked" if r.outcome == "blocked" else "run stopped"
            details.append(f"- {label}: {what or c.get('error') or 'no exception found'}"
                           + (f" at {c['frame']}" if c.get("frame") else "")
                           + (f" (failed task: {', '.join(c['tasks'])})" if c.get("tasks")
                              else ""))
        for b in r.blocked:
            details.append(f"- blocked by {b['expectation']}: {b['observed']}")
        for title, groups in (("failed", r.failed), ("quarantined", r.quarantined),
                              ("rejected", r.rejected)):
            for g in groups:
                details.append(f"- {title} {g['count']}: {g['reason']}"
                               + (f" (e.g. {g['examples'][0]})" if g["examples"]
                                  and g["examples"][0] != g["reason"] else ""))
        if set(r.languages) - {"en"}:
            details.append("- languages: " + ", ".join(f"{k} {v}" for k, v in r.languages.items()))
        details += [f"- accounting: {a}" for a in r.accounting]
        details += [f"- contract: {p}" for p in r.contract]
        if r.leftover_processes:
            details.append(f"- {r.leftover_processes} processes of the run still alive after "
                           "it exited (ended by the harness)")
        if details:
            lines += [f"**{r.corpus}** ({r.note})", "", *details, ""]
    return "\n".join(lines)
