namespace Coder.Orchestrations.Provisioning.AgentDelivery;

/// <summary>One agent build the control plane serves, for one platform (<c>linux-x64</c>): what a bootstrap verifies before it runs the file.</summary>
/// <param name="Platform">The <c>{os}-{arch}</c> the binary runs on, as in the route <c>/api/agent/binary/{os}-{arch}</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes; also the HTTP ETag.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="LastModified">When the file was built or uploaded.</param>
public sealed record AgentBinary(string Platform, string Sha256, long Length, DateTimeOffset LastModified);
