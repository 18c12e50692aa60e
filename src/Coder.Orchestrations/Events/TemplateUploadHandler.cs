using System.Text.Json;
using Azure;
using Coder.Contracts.Auth;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;

namespace Coder.Orchestrations.Events;

/// <summary>
/// A spec uploaded to the <c>templates</c> container becomes a template version: the template is created when it is
/// new, otherwise the spec is added as a new (not yet promoted) version. A redelivered event whose spec equals the newest
/// version adds nothing.
/// </summary>
public sealed class TemplateUploadHandler(StorageClientFactory storage, TemplateService templates, TemplateStore store)
{
    public const string Container = "templates";
    const string SubjectPrefix = "/blobServices/default/containers/";

    static readonly CallerIdentity Uploader = new("eventgrid", new HashSet<string> { Roles.TemplateAdmin }, "eventgrid");

    /// <summary>The blob name when the subject is a blob in this deployment's templates container, otherwise null.</summary>
    public string? BlobNameOf(string? subject)
    {
        string prefix = SubjectPrefix + storage.Prefix + Container + "/blobs/";
        return subject is not null && subject.StartsWith(prefix, StringComparison.Ordinal) && subject.Length > prefix.Length
            ? Uri.UnescapeDataString(subject[prefix.Length..])
            : null;
    }

    public async Task<string> HandleAsync(string blobName, CancellationToken cancellationToken)
    {
        var blob = storage.CreateBlobServiceClient().GetBlobContainerClient(storage.Prefix + Container).GetBlobClient(blobName);
        BinaryData content;
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength > TemplateSpecReader.MaxBytes)
                throw new CoderProblemException(413, "Payload too large.", $"Template specs are limited to {TemplateSpecReader.MaxBytes / 1024} KiB.");
            content = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw CoderProblemException.NotFound($"Blob '{blobName}'");
        }

        var spec = TemplateSpecReader.Read(blobName, content);
        string name = spec.Name ?? Path.GetFileNameWithoutExtension(blobName);
        spec = spec with { Name = name };
        var pointer = await store.GetPointerAsync(name, cancellationToken);
        if (pointer is null)
        {
            try
            {
                var created = await templates.CreateAsync(Uploader, spec, cancellationToken);
                return $"Template '{created.Name}' created at version {created.ActiveVersion}.";
            }
            catch (CoderProblemException e) when (e.Status == 409)
            {
                // Created by a concurrent delivery: add to it below.
            }

            pointer = await store.GetPointerAsync(name, cancellationToken) ?? throw CoderProblemException.NotFound($"Template '{name}'");
        }

        var latest = await store.GetVersionAsync(name, pointer.LatestVersion, cancellationToken);
        if (latest is not null && SameSpec(latest.Spec, spec)) return $"Template '{name}' v{latest.Version} already has this spec.";
        // A version's spec carries no name: the template it belongs to names it.
        var version = await templates.AddVersionAsync(Uploader, name, spec with { Name = null }, cancellationToken);
        return $"Template '{version.Name}' version {version.Version} added.";
    }

    static bool SameSpec(TemplateSpec a, TemplateSpec b) =>
        JsonSerializer.Serialize(a with { Name = null }, ServerJson.Options) == JsonSerializer.Serialize(b with { Name = null }, ServerJson.Options);
}
