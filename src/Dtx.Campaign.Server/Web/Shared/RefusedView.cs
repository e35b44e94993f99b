namespace Dtx.Campaign.Server.Web.Shared;

/// <summary>A refusal shown as a page: its stable code, and its title and reason in the reader's language.</summary>
public sealed record RefusedView(string Code, string Title, string Detail);
