using Coder.Contracts.Templates;
using Coder.Functions.Http;
using Coder.Orchestrations.Templates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Templates;

/// <summary>Template routes (API.md "Templates").</summary>
public sealed class TemplateFunctions(ApiPipeline api, TemplateService templates)
{
    [ApiRequest(typeof(TemplateSpec))]
    [ApiResponse(201, typeof(TemplateCreated))]
    [Function(nameof(CreateTemplate))]
    public Task<IActionResult> CreateTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var created = await templates.CreateAsync(caller, await ApiPipeline.ReadBodyAsync<TemplateSpec>(req, ct), ct);
            return ApiResult.Created(created, $"/api/templates/{created.Name}");
        });

    [ApiResponse(200, typeof(Coder.Contracts.ItemsPage<TemplateSummary>))]
    [Function(nameof(ListTemplates))]
    public Task<IActionResult> ListTemplates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "templates")] HttpRequest req) =>
        api.RunAsync(req, async (_, ct) => ApiResult.Ok(await templates.ListAsync(ct)));

    [ApiResponse(200, typeof(TemplateDetails))]
    [Function(nameof(GetTemplate))]
    public Task<IActionResult> GetTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "templates/{name}")] HttpRequest req, string name) =>
        api.RunAsync(req, async (_, ct) => ApiResult.Ok(await templates.GetAsync(name, ct)));

    [ApiRequest(typeof(TemplateSpec))]
    [ApiResponse(201, typeof(TemplateVersionCreated))]
    [Function(nameof(CreateTemplateVersion))]
    public Task<IActionResult> CreateTemplateVersion([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates/{name}/versions")] HttpRequest req, string name) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var created = await templates.AddVersionAsync(caller, name, await ApiPipeline.ReadBodyAsync<TemplateSpec>(req, ct), ct);
            return ApiResult.Created(created, $"/api/templates/{name}");
        });

    [ApiResponse(200, typeof(TemplateCreated))]
    [Function(nameof(PromoteTemplateVersion))]
    public Task<IActionResult> PromoteTemplateVersion([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates/{name}/versions/{version}/promote")] HttpRequest req, string name, string version) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await templates.PromoteAsync(caller, name, version, ct)));

    [ApiResponse(204)]
    [Function(nameof(DeleteTemplate))]
    public Task<IActionResult> DeleteTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "templates/{name}")] HttpRequest req, string name) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            await templates.DeleteAsync(caller, name, ct);
            return ApiResult.NoContent();
        });
}
