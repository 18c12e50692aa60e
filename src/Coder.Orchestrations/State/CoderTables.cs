using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>The table clients, with the deployment's prefix applied. Tables are created once at startup.</summary>
public sealed class CoderTables
{
    readonly TableServiceClient _service;
    readonly string _prefix;

    public CoderTables(StorageClientFactory factory)
    {
        _service = factory.CreateTableServiceClient();
        _prefix = factory.Prefix;
    }

    public TableClient Templates => Get(TableNames.Templates);
    public TableClient Workspaces => Get(TableNames.Workspaces);
    public TableClient WorkspaceAgents => Get(TableNames.WorkspaceAgents);
    public TableClient WorkspaceIndex => Get(TableNames.WorkspaceIndex);
    public TableClient WorkspaceEvents => Get(TableNames.WorkspaceEvents);
    public TableClient Operations => Get(TableNames.Operations);
    public TableClient AgentTokens => Get(TableNames.AgentTokens);
    public TableClient AgentSeqs => Get(TableNames.AgentSeqs);
    public TableClient ApiTokens => Get(TableNames.ApiTokens);
    public TableClient SshKeys => Get(TableNames.SshKeys);
    public TableClient Quotas => Get(TableNames.Quotas);

    public TableServiceClient Service => _service;

    public TableClient Get(string name) => _service.GetTableClient(_prefix + name);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (string name in TableNames.All)
        {
            try
            {
                await _service.CreateTableIfNotExistsAsync(_prefix + name, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another instance created it at the same moment.
            }
        }
    }
}
