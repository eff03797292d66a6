"""KI-Werkbank: a sandbox for generative AI in German municipal administrations.

The package holds everything but the screens: configuration, the Schutzstufe policy, the gateway
through which every model request passes, backends, transparency notices and the CLI. Streamlit
is imported only in `workbench.ui`.
"""

__version__ = "0.1.0"
