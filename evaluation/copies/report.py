"""The measurements as the text `wiredesk eval copies` prints."""

from __future__ import annotations


def report(bench: dict | None = None, bbc: dict | None = None, speed: dict | None = None) -> str:
    lines = []
    if bench:
        lines += [f"Perturbation benchmark: {bench['originals']} originals, {bench['copies']} "
                  f"copies, {bench['negatives']} negatives (allsides, seed {bench['seed']})",
                  f"{'kind':22} {'copies':>6} {'caught':>6} {'recall':>7} {'precision':>9}"]
        for kind, k in bench["kinds"].items():
            lines.append(f"{kind:22} {k['copies']:6} {k['caught']:6} {k['recall']:7.4f} "
                         f"{k['precision']:9.4f}")
        lines += [f"{'overall':22} {bench['copies']:6} {bench['caught']:6} "
                  f"{bench['recall']:7.4f} {bench['precision']:9.4f}",
                  f"wrong target: {bench['wrong_target']}; false positives: "
                  f"{len(bench['false_positives'])} {bench['false_positives']}",
                  f"natural copies in the corpus (confirmed, not counted): "
                  f"{len(bench['natural_copies'])}; counted as errors, precision would be "
                  f"{bench['precision_natural_as_errors']:.4f}", ""]
    if bbc:
        lines += [f"BBC: {bbc['files']} files; byte-identical groups {bbc['identical_groups']} "
                  f"({bbc['identical_pairs']} pairs), found as exact duplicates "
                  f"{bbc['identical_found']}; exact duplicates {bbc['exact_duplicates']} "
                  f"(beyond byte-identical: {bbc['exact_not_identical']}); near pairs "
                  f"{bbc['near_pairs']}",
                  f"labelled sample precision: {bbc['sample_precision']}",
                  *[f"  {s}" for s in bbc["sample"]], ""]
    if speed:
        lines += [f"Signatures ({speed['words_per_doc']:.0f} words a document): ours "
                  f"{speed['ours_docs_s']:,.0f} docs/s from raw bodies; on the same shingle sets "
                  f"rensa {speed['rensa_sets_docs_s']:,.0f} docs/s, datasketch "
                  + (f"{speed['datasketch_sets_docs_s']:,.0f} docs/s"
                     if speed["datasketch_sets_docs_s"] else "not installed (dev extra)"),
                  *[f"dedup step, {k.split('_')[1]} articles: {v:.2f} s wall, "
                    f"{speed[k.replace('_s', '_cpu_s')]:.2f} s CPU (best of {speed['repeats']})"
                    for k, v in speed.items() if k.startswith("dedup_") and k.endswith("0_s")]]
        if "dedup_1000_s" in speed and "dedup_10000_s" in speed:
            lines.append(f"10,000 / 1,000 cost ratio: "
                         f"{speed['dedup_10000_s'] / speed['dedup_1000_s']:.1f}x wall, "
                         f"{speed['dedup_10000_cpu_s'] / speed['dedup_1000_cpu_s']:.1f}x CPU")
        lines += [f"dedup step, {k.split('_')[1]} templated records: {v['s']:.2f} s wall, "
                  f"{v['cpu_s']:.2f} s CPU (one run); {v['near']} near copies; bucket entries "
                  f"left out {v['saturated']}, candidates unconfirmed {v['unconfirmed']}"
                  for k, v in speed.items() if k.startswith("templated_")]
    return "\n".join(lines)
