"""`python -m claims.suggest.build`: train the default model on the corpus and write its JSON."""

import time

from claims.suggest.evaluate import Report, Scores, format_report
from claims.suggest.train import DEFAULT_MODEL_PATH, build_default_model


def main() -> None:
    started = time.perf_counter()
    model = build_default_model()
    DEFAULT_MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    DEFAULT_MODEL_PATH.write_text(model.to_json(), encoding="utf-8")
    cv = model.figures["cv"]
    print(format_report(_report(cv), f"{cv['folds']}-fold cross-validation by page, on train/"))
    if "heldout" in model.figures:
        print(format_report(_report(model.figures["heldout"]), "held-out pages (heldout/)"))
    thresholds = ", ".join(f"{slug} {tag.threshold:.3f}" for slug, tag in model.tags.items())
    print(f"thresholds: {thresholds}")
    size = DEFAULT_MODEL_PATH.stat().st_size
    print(
        f"wrote {DEFAULT_MODEL_PATH} ({size / 1e6:.2f} MB, {len(model.vocabulary):,} features) "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _report(figures: dict) -> Report:
    return Report(
        tags={tag: _scores(scores) for tag, scores in figures["tags"].items()},
        micro=_scores(figures["micro"]),
    )


def _scores(figures: dict) -> Scores:
    return Scores(tp=figures["tp"], fp=figures["fp"], fn=figures["fn"])


if __name__ == "__main__":
    main()
