#!/usr/bin/env python3
"""A local HTTP/1.1 server for the download tests: it plays Keras's weights host, well and badly.

    weights_server.py --file FIXTURE.h5 [--wrong OTHER.h5] [--log LOG] [--lifetime SECONDS]

Listens on 127.0.0.1 on a free port and prints "PORT <n>" as its first line on stdout. A request
for /<mode>/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<rows>[_no_top].h5 gets the
bytes of --file (whatever variant the name asks for), delivered as <mode> says:

    good         200, Content-Length, the whole file
    slow         200, Content-Length, the file in 20 pieces 0.05 s apart (progress is visible)
    missing      404
    short        200, Content-Length of the whole file, 60 % of it, then a clean close
    reset        200, Content-Length of the whole file, 40 % of it, then a TCP reset
    chunked-cut  200, chunked, 50 % in chunks, then a close without the final 0-length chunk
    eof-cut      200, no length (the body ends at close), 50 % of the file, then a clean close
    not-hdf5     200, Content-Length, bytes that are not HDF5 at all
    wrong-hdf5   200, Content-Length, the bytes of --wrong (an HDF5 file that is not a MobileNetV2)
    silent       the connection is accepted and the request read, then nothing is ever sent
    stall        200, Content-Length of the whole file, 30 % of it, then nothing more

Any other path is a 404. Each request's path is appended to --log. The server stops by itself
after --lifetime seconds (default 60) or when its stdin is closed (the test that started it ended).
"""
import argparse
import http.server
import os
import re
import socket
import socketserver
import struct
import sys
import threading
import time

NAME = re.compile(r"^/([a-z0-9-]+)/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_[0-9.]+_[0-9]+(_no_top)?\.h5$")


def make_handler(body, wrong, log, stop):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def head(self, length=None, chunked=False):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if length is not None:
                self.send_header("Content-Length", str(length))
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            if length is None and not chunked:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()

        def do_GET(self):
            if log:
                with open(log, "a") as f:
                    f.write(self.path + "\n")
            match = NAME.match(self.path)
            mode = match.group(1) if match else None
            cut = lambda fraction: body[: int(len(body) * fraction)]
            if mode == "good":
                self.head(len(body))
                self.wfile.write(body)
            elif mode == "slow":
                self.head(len(body))
                step = -(-len(body) // 20)
                for i in range(0, len(body), step):
                    self.wfile.write(body[i : i + step])
                    self.wfile.flush()
                    time.sleep(0.05)
            elif mode == "short":
                self.head(len(body))
                self.wfile.write(cut(0.6))
                self.close_connection = True
            elif mode == "reset":
                self.head(len(body))
                self.wfile.write(cut(0.4))
                self.wfile.flush()
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
            elif mode == "chunked-cut":
                self.head(chunked=True)
                part = cut(0.5)
                for i in range(0, len(part), 65536):
                    chunk = part[i : i + 65536]
                    self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                self.close_connection = True
            elif mode == "eof-cut":
                self.head()
                self.wfile.write(cut(0.5))
                self.close_connection = True
            elif mode == "not-hdf5":
                junk = b"<html><body>this is not a weights file</body></html>\n" * 200
                self.head(len(junk))
                self.wfile.write(junk)
            elif mode == "wrong-hdf5" and wrong is not None:
                self.head(len(wrong))
                self.wfile.write(wrong)
            elif mode == "silent":
                stop.wait()
            elif mode == "stall":
                self.head(len(body))
                self.wfile.write(cut(0.3))
                self.wfile.flush()
                stop.wait()
            else:
                self.send_error(404, "no such file")

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--wrong")
    parser.add_argument("--log")
    parser.add_argument("--lifetime", type=float, default=60)
    args = parser.parse_args()
    with open(args.file, "rb") as f:
        body = f.read()
    wrong = None
    if args.wrong:
        with open(args.wrong, "rb") as f:
            wrong = f.read()
    stop = threading.Event()
    server = Server(("127.0.0.1", 0), make_handler(body, wrong, args.log, stop))
    print("PORT %d" % server.server_address[1], flush=True)

    def watch_stdin():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait(args.lifetime)
    stop.set()
    server.shutdown()
    sys.exit(0)


if __name__ == "__main__":
    main()
