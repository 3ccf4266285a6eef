"""From detector output to alerts people act on: rules (severity, wording), the lifecycle
(new, acknowledged, closed) and, as they land, products and exports."""
