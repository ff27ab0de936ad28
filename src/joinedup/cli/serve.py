"""``joinedup serve``: the web application on the same store and keys as the CLI."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--proxy",
    "proxy",
    default=None,
    help="Address of a TLS-terminating reverse proxy whose X-Forwarded-* headers to trust.",
)
def serve(host: str, port: int, proxy: str | None) -> None:
    """Serve the web pages and the /api/v1 API (uvicorn; loopback only unless --host)."""
    import uvicorn

    from joinedup.web import create_app

    click.echo(f"joinedup on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(
        create_app(),
        host=host,
        port=port,
        proxy_headers=proxy is not None,
        forwarded_allow_ips=proxy or "127.0.0.1",
        server_header=False,
        log_level="info",
    )
