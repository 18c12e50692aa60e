using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Tests.Security;

public sealed class TokenHasherTests
{
    [Fact]
    public void NewToken_HasItsPrefixAnd256BitsOfRandomness()
    {
        var tokens = Enumerable.Range(0, 2000).Select(_ => TokenHasher.NewToken(ApiTokenService.TokenPrefix)).ToList();
        Assert.All(tokens, t =>
        {
            Assert.StartsWith("cdr_", t, StringComparison.Ordinal);
            string body = t[4..].Replace('-', '+').Replace('_', '/');
            byte[] bytes = Convert.FromBase64String(body + new string('=', (4 - body.Length % 4) % 4));
            Assert.Equal(32, bytes.Length);
        });
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());

        // Every bit position varies across tokens: no fixed or biased byte hiding in the 32.
        var decoded = tokens.Select(t => { string b = t[4..].Replace('-', '+').Replace('_', '/'); return Convert.FromBase64String(b + new string('=', (4 - b.Length % 4) % 4)); }).ToList();
        for (int bit = 0; bit < 256; bit++)
        {
            int ones = decoded.Count(d => (d[bit / 8] >> (bit % 8) & 1) == 1);
            Assert.InRange(ones, 800, 1200);
        }
    }

    [Fact]
    public void Hash_IsSha256HexAndNeverTheToken()
    {
        string token = TokenHasher.NewToken("cdr_");
        string hash = TokenHasher.Hash(token);
        Assert.Equal(64, hash.Length);
        Assert.True(hash.All(Uri.IsHexDigit));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), hash);
        Assert.DoesNotContain(token[4..], hash, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedTimeEquals_ComparesWholeValues()
    {
        Assert.True(TokenHasher.FixedTimeEquals("abc", "abc"));
        Assert.False(TokenHasher.FixedTimeEquals("abc", "abd"));
        Assert.False(TokenHasher.FixedTimeEquals("abc", "abcd"));
    }
}
