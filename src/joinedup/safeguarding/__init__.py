"""Safeguarding engine: the CSE risk tool (``tool``, ``prefill``, ``scoring``, ``assessments``),
the rule engine (``rules``) and its flags (``flags``), the language checker (``language``)
applied to every note (``notes``), and evaluation against a simulator's truth (``evaluate``).
Entry point of a whole run: :func:`joinedup.safeguarding.run.assess`."""
