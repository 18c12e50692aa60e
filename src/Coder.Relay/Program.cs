using Coder.Relay;
using Coder.Relay.Protocol;

// The local relay runs as its own process so that relayed sessions outlive the control plane that mints their tokens.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddCoderRelay(builder.Configuration);
// Request URLs carry sb-hc-token: ASP.NET Core's per-request logs (Information and below) must never be written,
// whatever the config says.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

// The relay copies bytes between sockets and never blocks: its continuations run on the socket's I/O thread, not one
// thread-pool hop later per message, and a relayed stream may have 1 MiB on its way out to a peer before a send waits.
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxResponseBufferSize = 1024 * 1024);

var app = builder.Build();
// Resolve now so a missing or world-readable key file stops the relay at start, not at its first connection.
app.Services.GetRequiredService<RelayKeyRing>();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapGet("/healthz", () => Results.Text("ok"));
app.Map(HybridConnectionProtocol.PathPrefix + "{**path}", (HttpContext context, HybridConnectionEndpoint endpoint) => endpoint.HandleAsync(context));
app.Run();
