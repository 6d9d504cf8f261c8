#!/usr/bin/python3
"""A TCP proxy that adds latency, for WAN tests on a kernel without tc netem.

Usage: delay_proxy.py LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT DELAY_SECONDS
   or: python3 - LISTEN_ADDR ... < delay_proxy.py   (where the file is not visible)

Every byte read from one side is written to the other side DELAY_SECONDS
later, in order, in both directions: a round trip through the proxy takes
2 x DELAY_SECONDS longer, while bytes keep flowing (the link is slow, not
narrow), as netem's delay would make it. An end of stream is passed on after
the same delay. Prints "ready" on stdout once it listens; runs until killed.
"""
import asyncio
import sys
import time


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk `delay` seconds after it came."""
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((time.monotonic() + delay, data))
    except ConnectionError:
        pass
    finally:
        queue.put_nowait((time.monotonic() + delay, None))
    try:
        await sender
    except ConnectionError:
        pass


async def main():
    listen_addr, listen_port, target_addr, target_port, delay = sys.argv[1:6]
    delay = float(delay)

    async def handle(client_reader, client_writer):
        try:
            target_reader, target_writer = await asyncio.open_connection(
                target_addr, int(target_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, target_writer, delay),
                             pump(target_reader, client_writer, delay))
        for w in (client_writer, target_writer):
            w.close()

    server = await asyncio.start_server(handle, listen_addr, int(listen_port))
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    asyncio.run(main())
