using Coder.Relay;
using Coder.Relay.Protocol;

// The local relay runs as its own process so that relayed sessions outlive the control plane that mints their tokens.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddCoderRelay(builder.Configuration);
// Request URLs carry sb-hc-token: ASP.NET Core's per-request logs (Information and below) must never be written,
// whatever the config says.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

var app = builder.Build();
// Resolve now so a missing or world-readable key file stops the relay at start, not at its first connection.
app.Services.GetRequiredService<RelayKeyRing>();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapGet("/healthz", () => Results.Text("ok"));
app.Map(HybridConnectionProtocol.PathPrefix + "{**path}", (HttpContext context, HybridConnectionEndpoint endpoint) => endpoint.HandleAsync(context));
app.Run();
