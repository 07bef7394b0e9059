package org.taama.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP edge every request crosses before any route: HTTP/1.1 only (no h2c upgrade, no HTTP/2
 * prior knowledge, no ALPN h2), a request carrying both Content-Length and Transfer-Encoding refused
 * with 400 and its connection closed (the two framings disagree, which is how requests are smuggled
 * past a proxy that believes the other one), a connection idle too long closed, and a connection that
 * has not finished sending a request's headers in time closed (slow-header attacks hold a socket with
 * one byte every few seconds, which an idle timeout never notices).
 *
 * <p>One instance per HTTP server, used on that server's event loop only.
 */
public final class Http1Edge {
    private final long headerTimeoutMs;
    private final HttpServerOptions options;

    public Http1Edge(int port, long idleTimeoutMs, long headerTimeoutMs) {
        this.headerTimeoutMs = headerTimeoutMs;
        this.options = new HttpServerOptions()
                .setPort(port)
                .setHttp2ClearTextEnabled(false)
                .setAlpnVersions(List.of(HttpVersion.HTTP_1_1))
                .setIdleTimeout((int) idleTimeoutMs)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    public HttpServerOptions options() {
        return options;
    }

    /** For {@code HttpServer.connectionHandler}: strict framing and the header deadline, on every connection. */
    public Handler<HttpConnection> connections() {
        return this::install;
    }

    /**
     * Vert.x offers no setting for this: Netty, seeing both headers, drops Content-Length and reads
     * chunks. Our decoder fails the request instead, which Vert.x answers with 400 and a closed connection.
     */
    private void install(HttpConnection conn) {
        if (!(conn instanceof ConnectionBase base)) {
            throw new IllegalStateException("not an HTTP/1 connection: " + conn.getClass().getName());
        }
        ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
        if (pipeline.get("httpDecoder") == null) {
            // Without it we could not refuse smuggled requests: better no connection than a silent hole.
            conn.close();
            throw new IllegalStateException("no httpDecoder in the pipeline: Vert.x changed; re-check Http1Edge");
        }
        pipeline.replace("httpDecoder", "httpDecoder", new StrictDecoder(options));
        pipeline.addAfter("httpDecoder", "strictFraming", new StrictFraming());
        // Next to Vert.x's own handler, where requests arrive decoded and responses leave unencoded.
        pipeline.addBefore("handler", "headerDeadline", new HeaderDeadline(headerTimeoutMs));
    }

    /**
     * Closes a connection that does not deliver a whole request head within the deadline, counted from
     * when it opened or, with keep-alive, from when the last response was written. In Netty rather than
     * in a request handler, so no route can unhook it (Vert.x-web owns the response's end handler).
     */
    static final class HeaderDeadline extends ChannelDuplexHandler {
        private final long timeoutMs;
        /** Requests whose head arrived and whose response is not written yet (pipelining). */
        private int open;
        private ScheduledFuture<?> timer;

        HeaderDeadline(long timeoutMs) {
            this.timeoutMs = timeoutMs;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            arm(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                open++;
                disarm();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            // "100 Continue" is not the end of a response: the body is still to come.
            boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (msg instanceof LastHttpContent && !interim && open > 0 && --open == 0) arm(ctx);
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disarm();
            ctx.fireChannelInactive();
        }

        private void arm(ChannelHandlerContext ctx) {
            disarm();
            timer = ctx.executor().schedule(() -> {
                if (open == 0) ctx.channel().close();
            }, timeoutMs, TimeUnit.MILLISECONDS);
        }

        private void disarm() {
            if (timer != null) timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Netty keeps both headers when Transfer-Encoding is not chunked ("identity", "gzip") and then
     * believes Content-Length: just as ambiguous, so the request is failed the same way. After any
     * refused request nothing more is read from the connection, so bytes smuggled behind it never
     * become a request of their own.
     */
    static final class StrictFraming extends ChannelInboundHandlerAdapter {
        private boolean refused;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest req) {
                if (req.decoderResult().isSuccess() && req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                        && req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                    req.setDecoderResult(DecoderResult.failure(
                            new IllegalArgumentException("both Content-Length and Transfer-Encoding")));
                }
                refused = req.decoderResult().isFailure();
            }
            ctx.fireChannelRead(msg);
        }
    }

    static final class StrictDecoder extends VertxHttpRequestDecoder {
        StrictDecoder(HttpServerOptions options) {
            super(options);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
        }
    }
}
