"""The packaged Hydra configuration (installed as ``continuity_conf``; see ``sim/paths.py``).

Only the YAML files matter: Hydra reads this directory; nothing imports code from it.
"""
