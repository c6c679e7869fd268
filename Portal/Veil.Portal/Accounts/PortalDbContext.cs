using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Veil.Portal.Accounts;

/// <summary>The Portal's account store (ASP.NET Core Identity on SQLite).</summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<VeilUser>(options);
