using Coder.Orchestrations.Security;

namespace Coder.Local.Hosting;

/// <summary>
/// The one-time admin sign-in link the host prints at startup (as Jupyter does): a random code, good for one session of
/// the bootstrap admin. Held in memory only, so a restart prints a new one and the old one is dead.
/// </summary>
public sealed class AdminSignInLink
{
    string? _code = TokenHasher.NewToken("");

    public AdminSignInLink(string apiUrl) => Url = $"{apiUrl}/login?code={_code}";

    public string Url { get; }

    /// <summary>True once, for the right code; every later call (and every wrong code) is false.</summary>
    public bool TryRedeem(string? code)
    {
        string? expected = Volatile.Read(ref _code);
        if (expected is null || code is null || !TokenHasher.FixedTimeEquals(expected, code)) return false;
        return Interlocked.CompareExchange(ref _code, null, expected) == expected;
    }
}
