using System.Diagnostics;
using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// A user's SSH public key, as <c>coder config-ssh</c> registers it: a key made by ssh-keygen is taken with the
/// fingerprint ssh-keygen prints, reaches the owner's workspace agents as an authorized key, and a malformed one is a
/// 400 naming <c>publicKey</c> that changes nothing.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class SshKeyTests(SecurityHost fixture)
{
    [Fact]
    public async Task AKeyFromSshKeygen_IsTakenWithItsFingerprint_ReachesTheOwnersAgents_AndBadKeysAre400NamingPublicKey()
    {
        string folder = Directory.CreateTempSubdirectory("coder-sshkey-").FullName;
        using var alice = fixture.Api("alice");
        try
        {
            string keyFile = Path.Combine(folder, "id_ed25519");
            await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice@laptop", "-f", keyFile);
            string publicKey = (await File.ReadAllTextAsync(keyFile + ".pub")).Trim();
            string fingerprint = (await RunAsync("ssh-keygen", "-lf", keyFile + ".pub")).Split(' ')[1];

            var put = await alice.SendAsync(HttpMethod.Put, "/api/users/me/ssh-key", System.Text.Json.JsonSerializer.Serialize(new { publicKey }));
            Assert.Equal(HttpStatusCode.OK, put.Status);
            Assert.Equal(publicKey, (string?)put.Json["publicKey"]);
            Assert.Equal(fingerprint, (string?)put.Json["fingerprint"]);
            Assert.Equal(fingerprint, (string?)(await alice.GetAsync("/api/users/me/ssh-key")).Json["fingerprint"]);

            // Alice's workspace agent reads it; bob's agent reads bob's (none).
            using var aliceAgent = new CoderApi(fixture.Host.BaseUrl, await fixture.AgentTokenOfAsync(fixture.AliceWorkspace));
            using var bobAgent = new CoderApi(fixture.Host.BaseUrl, await fixture.AgentTokenOfAsync(fixture.BobWorkspace));
            Assert.Equal([publicKey], (await aliceAgent.GetAsync("/api/agent/ssh-keys")).Json["authorizedKeys"]!.AsArray().Select(k => (string?)k));
            Assert.Empty((await bobAgent.GetAsync("/api/agent/ssh-keys")).Json["authorizedKeys"]!.AsArray());

            // Malformed: not a key, a type ssh does not know, a blob of another type; each names publicKey and changes nothing.
            string ed25519Blob = publicKey.Split(' ')[1];
            foreach (string bad in (string[])["not-a-key", $"ssh-dss {ed25519Blob}", $"ssh-rsa {ed25519Blob} claims rsa", "ssh-ed25519 %%%not-base64", $"ssh-ed25519 {ed25519Blob}\nssh-ed25519 {ed25519Blob}"])
            {
                var refused = await alice.SendAsync(HttpMethod.Put, "/api/users/me/ssh-key", System.Text.Json.JsonSerializer.Serialize(new { publicKey = bad }));
                Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
                Assert.Equal("application/problem+json", refused.ContentType);
                Assert.NotNull(refused.Json["errors"]!["publicKey"]);
            }

            Assert.Equal(fingerprint, (string?)(await alice.GetAsync("/api/users/me/ssh-key")).Json["fingerprint"]);
            Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/api/users/me/ssh-key")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/api/users/me/ssh-key")).Status);
            Assert.Empty((await aliceAgent.GetAsync("/api/agent/ssh-keys")).Json["authorizedKeys"]!.AsArray());
        }
        finally
        {
            await alice.DeleteAsync("/api/users/me/ssh-key");
            Directory.Delete(folder, recursive: true);
        }
    }

    static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} exited {process.ExitCode}: {error}");
    }
}
