"""The Hydra entry point of ``continuity run``: compose → validate → run → write."""

from __future__ import annotations

import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.api import CONF_DIR


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    """Run the composed config and write its results into Hydra's output directory."""
    from experiments.summary_text import format_summary
    from sim.api import run
    from sim.config import validate
    from sim.errors import NumericalError

    data = OmegaConf.to_container(cfg, resolve=True)
    config = validate(data)
    sc = config.scenario
    print(
        f"continuity run: scenario {sc.name}, seed {config.seed}, {sc.start}..{sc.end} ...",
        flush=True,
    )
    try:
        result = run(config)
        files = result.write(HydraConfig.get().runtime.output_dir)
    except (OSError, NumericalError) as exc:  # Hydra would print a traceback for these
        from experiments.interrupts import describe

        described = describe("run", exc)
        if described is None:
            raise
        print(described[0], file=sys.stderr)
        raise SystemExit(described[1]) from None
    print(format_summary(result, files))
