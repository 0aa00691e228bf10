import type { Metadata } from "next";
import { findUsers } from "@/lib/users/find-users";
import { requireAdmin } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { UserRolesForm } from "../_components/user-roles-form";
import { InviteUserForm } from "../_components/invite-user-form";
import { Badge } from "@/components/ui/badge";
import { Section, td, th, thead } from "../_components/admin-section";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requireAdmin("admin:users");
  const users = await findUsers({ actor });
  return (
    <>
      <PageHeader title="Users" description="People who use Hourglass, and what they may do in it." />
      <Section title="Invite a user" description="Add a person by email before they first sign in. They sign in with single sign-on under that email; the roles chosen here are theirs from that first sign-in, with those of their groups.">
        <InviteUserForm />
      </Section>
      <Section title="Users and roles" description="Roles decide which areas and actions a person has. SSO users get theirs from their groups at each sign-in.">
        <table className="w-full text-left text-sm" data-testid="users-table">
          <thead className={thead}>
            <tr>
              <th className={th}>User</th>
              <th className={th}>Teams</th>
              <th className={th}>Last sign-in</th>
              <th className={th}>Roles</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {users.map((u) => (
              <tr key={u.id} data-user={u.email}>
                <td className={td}>
                  <div className="font-medium">{u.name}</div>
                  <div className="text-xs text-zinc-500">{u.email}</div>
                  {u.invited ? <Badge tone="blue">invited, not signed in yet</Badge> : null}
                </td>
                <td className={`${td} text-xs`}>{u.teams.join(", ") || "—"}</td>
                <td className={`${td} whitespace-nowrap text-xs`}>
                  <Time iso={u.lastSignInAt} />
                </td>
                <td className={td}>
                  <UserRolesForm userId={u.id} current={u.roles} label={u.email} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}
