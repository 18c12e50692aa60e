namespace Coder.Orchestrations.Tests.Events;

/// <summary>The official sample payloads copied next to the tests (Events/Samples/README.md names their sources).</summary>
public static class EventSamples
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", "Samples", name));
}
