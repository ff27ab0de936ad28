"""The multi-agency panel: intelligence routing and escalation, meetings, generated agendas,
decisions and tracked actions."""
