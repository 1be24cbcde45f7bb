"""The scores as the text `wiredesk eval quotes` prints."""

from __future__ import annotations


def report(result: dict) -> str:
    q, b, t = result["quotes"], result["regex_baseline"], result["seconds"]
    lines = [
        f"PolNeAR {result['split']}: {result['articles']} articles, "
        f"{q['gold']} gold direct quotes scored ({result['gold_all']} before cleaning, "
        f"lost by cleaning {result['lost_by_cleaning']:.1%})",
        f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}",
        *(f"{name:24}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['predicted']:7d}"
          for name, m in (("quotes (wiredesk)", q), ("regex baseline", b))),
        f"speaker accuracy        {result['speaker_accuracy']:.3f}  on {result['speaker_n']} "
        f"matched quotes with a gold Source (named {result['speaker_accuracy_named']:.3f}, "
        f"pronoun {result['speaker_accuracy_pronoun']:.3f} on {result['pronoun_n']}, "
        f"{result['pronoun_hand_annotated']} with a hand-annotated referent)",
        f"nearest-person baseline {result['nearest_person_baseline']:.3f}",
        f"time: spaCy {t['spacy']:.2f}s{' (cached Docs)' if t['cached_docs'] else ''}, "
        f"quotes {t['quotes']:.3f}s",
    ]
    return "\n".join(lines)
